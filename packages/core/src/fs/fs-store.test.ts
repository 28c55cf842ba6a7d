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
/** Every file and folder under `dir`, relative and sorted. */
const tree = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).sort()
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

describe('fsStore etags', () => {
  it('gives every write a new etag, even where the file system keeps whole seconds and reuses inodes', async () => {
    const root = fresh()
    const store = fsStore({ root, durable: false })
    // A file system with one-second timestamps (HFS+, ext3, FAT) stamps every write of one second
    // alike; here the test sets the time the same way after each write, and ext4 reuses inodes.
    const second = new Date(Math.floor(Date.now() / 1000) * 1000)
    const coarse = () => utimesSync(join(root, 'objects', 'k.o'), second, second)
    const etags: string[] = []
    for (let i = 0; i < 12; i++) {
      await store.put('k', i % 3 ? 'same size' : 'SAME SIZE') // identical bytes rewritten too
      coarse()
      etags.push((await store.get('k'))?.etag as string)
      if (i % 4 === 3) {
        await store.delete('k')
        await store.put('k', 'same size')
        coarse()
        etags.push((await store.get('k'))?.etag as string)
      }
    }
    expect(new Set(etags).size).toBe(etags.length)
  })

  it('refuses a compare-and-swap against an etag from two writes ago (no ABA)', async () => {
    const root = fresh()
    const store = fsStore({ root, durable: false })
    const second = new Date(Math.floor(Date.now() / 1000) * 1000)
    const coarse = () => utimesSync(join(root, 'objects', 'k.o'), second, second)
    await store.put('k', 'v1')
    coarse()
    const first = (await store.get('k'))?.etag as string
    await store.put('k', 'v2')
    coarse()
    await store.put('k', 'v1')
    coarse()
    const err = await store.put('k', 'v3', { ifMatch: first }).catch((e) => e)
    expect(err.code).toBe('store.preconditionFailed')
    expect(text(await store.get('k'))).toBe('v1')
  })

  it('keeps an etag while the object is unchanged, across stores and restarts', async () => {
    const root = fresh()
    const { etag } = await fsStore({ root }).put('a/b', 'body')
    const other = fsStore({ root })
    expect((await other.get('a/b'))?.etag).toBe(etag)
    expect((await other.list('a/')).objects[0]?.etag).toBe(etag)
    expect(await other.get('a/b', { ifNoneMatch: etag })).toMatchObject({ notModified: true, etag })
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

  it('leaves nothing behind of deleted long keys (segments too long to be file names)', async () => {
    const root = fresh()
    const store = fsStore({ root })
    const long = 'x'.repeat(300)
    await store.put('dir/short', 'stays')
    await store.put(`dir/${long}`, 'long name')
    await store.put(`dir/${long}/child`, 'under a long folder name')
    await store.put(`${long}/child`, 'top-level long folder')
    expect((await store.list('')).objects.map((o) => o.key)).toEqual(['dir/short', `dir/${long}`, `dir/${long}/child`, `${long}/child`])
    await store.delete(`dir/${long}`)
    await store.delete(`dir/${long}/child`)
    await store.deleteMany([`${long}/child`])
    expect(tree(join(root, 'objects'))).toEqual(['dir.d', join('dir.d', 'short.o')])
  })

  it('lists long keys under any prefix, including one ending inside a long segment', async () => {
    const store = fsStore({ root: fresh() })
    const long = `${'y'.repeat(150)}é${'z'.repeat(150)}`
    const keys = [`p/${long}`, `p/${long}/a`, `p/${long}/b/c`, `p/${long}x/d`, 'p/y', 'q']
    for (const key of keys) await store.put(key, key)
    const listed = async (prefix: string, delimiter?: string) => {
      const page = await store.list(prefix, delimiter ? { delimiter } : {})
      return [...page.objects.map((o) => o.key), ...page.commonPrefixes]
    }
    expect(await listed('p/yyy')).toEqual(
      [`p/${long}`, `p/${long}/a`, `p/${long}/b/c`, `p/${long}x/d`, 'p/y'].filter((k) => k.startsWith('p/yyy')),
    )
    expect(await listed(`p/${long}`)).toEqual([`p/${long}`, `p/${long}/a`, `p/${long}/b/c`, `p/${long}x/d`])
    expect(await listed(`p/${long}/`)).toEqual([`p/${long}/a`, `p/${long}/b/c`])
    expect(await listed(`p/${long}/`, '/')).toEqual([`p/${long}/a`, `p/${long}/b/`])
    expect(await listed(`p/${long}/b/`)).toEqual([`p/${long}/b/c`])
    expect(text(await store.get(`p/${long}/b/c`))).toBe(`p/${long}/b/c`)
  })

  it('keeps keys that differ only in case apart, even on a case-insensitive file system', async () => {
    const root = fresh()
    const store = fsStore({ root })
    const keys = ['users/ann', 'Users/Ann', 'USERS/ANN', 'users/Ann']
    for (const key of keys) await store.put(key, key)
    for (const key of keys) expect(text(await store.get(key))).toBe(key)
    // No two names in one folder may differ only in case: macOS and Windows would see one file.
    const folders = [
      join(root, 'objects'),
      ...tree(join(root, 'objects'))
        .filter((p) => p.endsWith('.d'))
        .map((p) => join(root, 'objects', p)),
    ]
    for (const folder of folders) {
      const names = readdirSync(folder).map((n) => n.toLowerCase())
      expect(new Set(names).size).toBe(names.length)
    }
  })
})
