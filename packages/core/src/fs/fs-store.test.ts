import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
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
const text = (object: { body: Uint8Array } | null) => new TextDecoder().decode(object?.body)
const hourAgo = () => new Date(Date.now() - 3_600_000)

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
    // Nothing of the refused writes is left (each store keeps one `.owner` file: see FileLocks).
    expect(readdirSync(join(root, 'tmp')).filter((name) => !name.endsWith('.owner'))).toEqual([])
  })

  it('makes compare-and-swap atomic across two stores on one folder: no increment is lost', async () => {
    const root = fresh()
    const stores = [fsStore({ root, durable: false }), fsStore({ root, durable: false })]
    await stores[0]!.put('counter', '0')
    const increment = async (store: (typeof stores)[number]) => {
      for (;;) {
        const current = await store.get('counter')
        const next = String(Number(new TextDecoder().decode(current?.body)) + 1)
        try {
          return await store.put('counter', next, { ifMatch: current?.etag as string })
        } catch {
          // lost the race: read again
        }
      }
    }
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(stores[i % 2]!)))
    expect(new TextDecoder().decode((await stores[1]!.get('counter'))?.body)).toBe('40')
    expect(readdirSync(join(root, 'locks'))).toEqual([])
  })

  it('removes folders left empty by deletes', async () => {
    const root = fresh()
    const store = fsStore({ root })
    await store.put('a/b/c/d', 'x')
    await store.delete('a/b/c/d')
    expect(readdirSync(join(root, 'objects'))).toEqual([])
  })
})

describe('fsStore housekeeping', () => {
  it('sweeps temporary files a crash left behind when a store opens the folder, and keeps recent ones', async () => {
    const root = fresh()
    await fsStore({ root }).put('a', 'kept')
    writeFileSync(join(root, 'tmp', 'crashed.tmp'), 'half written')
    utimesSync(join(root, 'tmp', 'crashed.tmp'), hourAgo(), hourAgo())
    mkdirSync(join(root, 'tmp', 'crashed-folder'))
    writeFileSync(join(root, 'tmp', 'crashed-folder', 'inside'), '')
    utimesSync(join(root, 'tmp', 'crashed-folder'), hourAgo(), hourAgo())
    writeFileSync(join(root, 'tmp', 'in-flight.tmp'), 'being written now')
    const restarted = fsStore({ root })
    expect(text(await restarted.get('a'))).toBe('kept')
    expect(readdirSync(join(root, 'tmp')).filter((name) => !name.endsWith('.owner'))).toEqual(['in-flight.tmp'])
  })
})
