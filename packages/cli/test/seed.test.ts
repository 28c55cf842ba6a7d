import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `s3verless seed` run as its own process (bin.ts under tsx), on a fresh --data folder.
const cliDir = fileURLToPath(new URL('..', import.meta.url))
const modelsFile = fileURLToPath(new URL('./fixtures/seed-models.ts', import.meta.url))

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@s3verless/source', 'src/bin.ts', ...args], {
      cwd: cliDir,
      env: { ...process.env, AWS_BUCKET_NAME: '', S3VERLESS_MODELS: modelsFile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3verless-seed-cli-'))
  await writeFile(
    join(dir, 'gadgets.ndjson'),
    '{"@key":"a","name":"Anvil","price":5,"sku":"AN-1","category":"tools"}\n{"name":"Bolt","price":1,"sku":"BO-1","category":"tools"}\n',
  )
  await writeFile(join(dir, 'bad.ndjson'), '{"name":"Nope","price":-1,"sku":"N-1","category":"tools"}\n')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('s3verless seed (as a process)', () => {
  it('generates --count records with a progress bar and a summary, and a re-run adds none (--json)', async () => {
    const data = join(dir, 'data')
    const first = await run(['seed', 'Gadget', '--count', '120', '--data', data])
    expect(first.stderr).toMatch(/seed Gadget.*120\/120 records/)
    expect(first.stdout).toBe(`Seeded Gadget: 120 created, 0 already there (data directory ${data}).\n`)
    expect(first.code).toBe(0)
    const again = await run(['seed', 'gadgets', '--count', '120', '--data', data, '--json', '--no-progress'])
    expect(again.code).toBe(0)
    expect(again.stderr).toBe('')
    expect(JSON.parse(again.stdout)).toEqual({ model: 'Gadget', created: 0, existing: 120, store: `data directory ${data}` })
  }, 120_000)

  it('seeds a file, idempotently', async () => {
    const data = join(dir, 'file-data')
    const first = await run(['seed', 'Gadget', '--file', join(dir, 'gadgets.ndjson'), '--data', data, '--json'])
    expect(JSON.parse(first.stdout)).toMatchObject({ created: 2, existing: 0 })
    const again = await run(['seed', 'Gadget', '--file', join(dir, 'gadgets.ndjson'), '--data', data, '--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, existing: 2 })
  }, 120_000)

  it('fails with one clear line and a non-zero exit: usage (2), an invalid record or a missing file (1 or 2)', async () => {
    const data = join(dir, 'err-data')
    const noMode = await run(['seed', 'Gadget', '--data', data])
    expect(noMode.code).toBe(2)
    expect(noMode.stderr.split('\n')[0]).toBe('s3verless seed: give either --count <n> or --file <file>')
    const badCount = await run(['seed', 'Gadget', '--count', 'lots', '--data', data])
    expect(badCount.code).toBe(2)
    expect(badCount.stderr).toMatch(/^s3verless seed: --count must be a whole number from 1 to 100000, got "lots"/)
    const unknown = await run(['seed', 'Widget', '--count', '1', '--data', data])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^s3verless seed: no model "Widget" \(the models are Gadget\)/)
    const invalid = await run(['seed', 'Gadget', '--file', join(dir, 'bad.ndjson'), '--data', data])
    expect(invalid.code).toBe(1)
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1)
    expect(invalid.stderr).toMatch(/^s3verless seed: .*price.*\[model\.validation\]$/m)
    const missing = await run(['seed', 'Gadget', '--file', join(dir, 'nope.json'), '--data', data])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^s3verless seed: cannot read .*nope\.json \(ENOENT\)/)
    const help = await run(['seed', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: s3verless seed <model>/)
  }, 120_000)
})
