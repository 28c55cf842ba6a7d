import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const here = fileURLToPath(new URL('..', import.meta.url))

it('runs the quickstart end to end on a fresh data folder, printing request counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3verless-quickstart-'))
  try {
    const out = execFileSync('npx', ['tsx', '--conditions=@s3verless/source', 'src/main.ts'], {
      cwd: here,
      env: { ...process.env, S3VERLESS_DATA_DIR: dir },
      encoding: 'utf8',
    })
    expect(out).toMatch(/create a note \(create-if-absent\)\s+1 request\(s\) \(1 put\)/)
    expect(out).toMatch(/update with the stale etag fails \(412\)[^\n]*\n\s+-> store\.preconditionFailed/)
    expect(out).toMatch(/list the first page of 10\s+1 request\(s\) \(1 list\)\n\s+-> 10 keys, more: true/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)
