import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fsStore } from './fs-store.js'

const roots: string[] = []
const fresh = () => {
  const root = mkdtempSync(join(tmpdir(), 's3verless-fs-'))
  roots.push(root)
  return root
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
})

describe('fsStore crash safety', () => {
  it('never lets a reader see a torn object while writers replace it', async () => {
    const store = fsStore({ root: fresh(), durable: false })
    const versions = Array.from({ length: 8 }, (_, i) => String(i).repeat(256 * 1024))
    await store.put('big', versions[0] as string)
    const reads: string[] = []
    const writers = versions.map((v) => store.put('big', v))
    const readers = Array.from({ length: 40 }, async () => {
      const got = await store.get('big')
      reads.push(new TextDecoder().decode(got?.body))
    })
    await Promise.all([...writers, ...readers])
    for (const body of reads) expect(versions).toContain(body)
  })

  it('ignores temporary files a crash left behind, and keeps the previous version', async () => {
    const root = fresh()
    const store = fsStore({ root })
    await store.put('notes/a', 'kept')
    // A crash between writing the temporary file and renaming it leaves only the temporary file.
    writeFileSync(join(root, 'tmp', 'crashed-write.tmp'), 'half written')
    expect(new TextDecoder().decode((await store.get('notes/a'))?.body)).toBe('kept')
    expect((await store.list('')).objects.map((o) => o.key)).toEqual(['notes/a'])
    // A second store on the same folder (a restarted process) sees the same.
    const restarted = fsStore({ root })
    expect((await restarted.list('notes/')).objects.map((o) => o.key)).toEqual(['notes/a'])
  })

  it('makes create-if-absent atomic across two stores on one folder (as two processes would be)', async () => {
    const root = fresh()
    const a = fsStore({ root, durable: false })
    const b = fsStore({ root, durable: false })
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).put('claim', `w${i}`, { ifNoneMatch: '*' })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(readdirSync(join(root, 'tmp'))).toEqual([])
  })

  it('removes folders left empty by deletes', async () => {
    const root = fresh()
    const store = fsStore({ root })
    await store.put('a/b/c/d', 'x')
    await store.delete('a/b/c/d')
    expect(readdirSync(join(root, 'objects'))).toEqual([])
  })
})
