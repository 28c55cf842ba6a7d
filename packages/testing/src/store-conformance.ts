import { isS3verlessError, type ObjectStore, utf8 } from '@s3verless/core'
import { beforeAll, describe, expect, it } from 'vitest'

/** Options for {@link runStoreConformance}. */
export interface ConformanceOptions {
  /** Skip the whole suite, saying why (printed loudly). */
  skip?: string
  /** How many racers the concurrency tests use (default 50). */
  racers?: number
}

const enc = new TextEncoder()
/** Compares two byte strings lexicographically (no `Buffer`: the suite also runs inside workerd). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return a.length - b.length
}
/** Sorts by raw UTF-8 bytes, independently of the library's own comparison. */
const byteSorted = (keys: string[]) => [...keys].sort((a, b) => compareBytes(enc.encode(a), enc.encode(b)))

async function listEverything(store: ObjectStore, prefix: string, limit: number, extra: { startAfter?: string } = {}) {
  const keys: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await store.list(prefix, { limit, ...extra, ...(cursor ? { cursor } : {}) })
    expect(page.objects.length).toBeLessThanOrEqual(limit)
    keys.push(...page.objects.map((o) => o.key))
    cursor = page.cursor
    pages++
  } while (cursor)
  return { keys, pages }
}

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' && isS3verlessError(r.reason) ? r.reason.code : r.status)

/**
 * The ObjectStore port's conformance suite (vitest). Run it against every adapter:
 * `runStoreConformance('memoryStore', () => memoryStore())`. Each test works under its own key prefix,
 * so the factory may return the same store (or bucket) every time.
 * @example
 * runStoreConformance('s3Store on RGW', () => makeS3Store(), { skip: endpoint ? undefined : 'no S3_TEST_ENDPOINT' })
 */
export function runStoreConformance(
  name: string,
  factory: () => ObjectStore | Promise<ObjectStore>,
  options: ConformanceOptions = {},
): void {
  const racers = options.racers ?? 50
  if (options.skip) {
    console.warn(`\n!!! SKIPPED: ObjectStore conformance for ${name}: ${options.skip}\n`)
  }
  describe.skipIf(options.skip !== undefined)(`ObjectStore conformance: ${name}`, () => {
    let store: ObjectStore
    let run = 0
    const base = `conformance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    const ns = () => `${base}/${++run}/`

    beforeAll(async () => {
      store = await factory()
    })

    it('round-trips text, binary and empty bodies with their etags', async () => {
      const p = ns()
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i)
      const a = await store.put(`${p}text.json`, '{"name":"Zoë 🚀"}', { contentType: 'application/json' })
      const b = await store.put(`${p}binary.bin`, binary)
      await store.put(`${p}empty`, new Uint8Array())
      const text = await store.get(`${p}text.json`)
      expect(text && new TextDecoder().decode(text.body)).toBe('{"name":"Zoë 🚀"}')
      expect(text?.etag).toBe(a.etag)
      expect(text?.etag).not.toMatch(/^"/)
      const bin = await store.get(`${p}binary.bin`)
      expect(Array.from(bin?.body ?? [])).toEqual(Array.from(binary))
      expect(bin?.etag).toBe(b.etag)
      expect((await store.get(`${p}empty`))?.body.length).toBe(0)
    })

    it('keeps unicode and punctuation in keys exactly', async () => {
      const p = ns()
      const names = [
        'café',
        '日本語',
        'emoji-😀',
        'space here',
        'plus+sign',
        'percent%20',
        'q?x=1&y',
        'hash#frag',
        'dots..',
        'semi;colon',
        'tilde~',
        'ｆｕｌｌ',
        '\u{10FFFF}max',
      ]
      for (const n of names) await store.put(p + n, n)
      for (const n of names) {
        const got = await store.get(p + n)
        expect(got && new TextDecoder().decode(got.body)).toBe(n)
      }
      const { keys } = await listEverything(store, p, 1000)
      expect(keys).toEqual(byteSorted(names.map((n) => p + n)))
    })

    it('answers a missing key with null, and deletes idempotently', async () => {
      const p = ns()
      expect(await store.get(`${p}missing`)).toBeNull()
      await expect(store.delete(`${p}missing`)).resolves.toBeUndefined()
      await store.put(`${p}here`, 'x')
      await store.delete(`${p}here`)
      await store.delete(`${p}here`)
      expect(await store.get(`${p}here`)).toBeNull()
      const page = await store.list(p)
      expect(page.objects).toEqual([])
      expect(page.cursor).toBeUndefined()
    })

    it('gives each write a new etag and stamps times from the store clock', async () => {
      const p = ns()
      const first = await store.put(`${p}k`, 'one')
      const second = await store.put(`${p}k`, 'two')
      expect(second.etag).not.toBe(first.etag)
      const got = await store.get(`${p}k`)
      expect(got?.etag).toBe(second.etag)
      const skew = Math.abs((got?.serverTime.getTime() ?? 0) - Date.now())
      expect(skew).toBeLessThan(10 * 60_000)
      expect(Math.abs((got?.lastModified.getTime() ?? 0) - (got?.serverTime.getTime() ?? 0))).toBeLessThan(60_000)
    })

    it('create-if-absent refuses an existing key and leaves it unchanged', async () => {
      const p = ns()
      await store.put(`${p}k`, 'first', { ifNoneMatch: '*' })
      const err = await store.put(`${p}k`, 'second', { ifNoneMatch: '*' }).catch((e) => e)
      expect(isS3verlessError(err, 'store.preconditionFailed')).toBe(true)
      expect(new TextDecoder().decode((await store.get(`${p}k`))?.body)).toBe('first')
    })

    it(`create-if-absent under ${racers} parallel racers has exactly one winner`, async () => {
      const p = ns()
      const results = await Promise.allSettled(
        Array.from({ length: racers }, (_, i) => store.put(`${p}claim`, `racer-${i}`, { ifNoneMatch: '*' })),
      )
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
      expect(winners).toHaveLength(1)
      for (const r of results) if (r.status === 'rejected') expect(['store.preconditionFailed', 'store.conflict']).toContain(codeOf(r))
      const stored = await store.get(`${p}claim`)
      expect(new TextDecoder().decode(stored?.body)).toBe(`racer-${winners[0]}`)
    })

    it('compare-and-swap with a stale etag fails with 412 and changes nothing', async () => {
      const p = ns()
      const v1 = await store.put(`${p}k`, 'v1')
      const v2 = await store.put(`${p}k`, 'v2', { ifMatch: v1.etag })
      const err = await store.put(`${p}k`, 'v3', { ifMatch: v1.etag }).catch((e) => e)
      expect(isS3verlessError(err, 'store.preconditionFailed')).toBe(true)
      const got = await store.get(`${p}k`)
      expect(new TextDecoder().decode(got?.body)).toBe('v2')
      expect(got?.etag).toBe(v2.etag)
    })

    it('compare-and-swap on a missing key fails instead of creating it', async () => {
      const p = ns()
      const v1 = await store.put(`${p}k`, 'v1')
      await store.delete(`${p}k`)
      const err = await store.put(`${p}k`, 'v2', { ifMatch: v1.etag }).catch((e) => e)
      expect(isS3verlessError(err, 'store.preconditionFailed')).toBe(true)
      expect(await store.get(`${p}k`)).toBeNull()
    })

    it(`compare-and-swap under ${racers} parallel racers has exactly one winner`, async () => {
      const p = ns()
      const { etag } = await store.put(`${p}counter`, '0')
      const results = await Promise.allSettled(
        Array.from({ length: racers }, (_, i) => store.put(`${p}counter`, `racer-${i}`, { ifMatch: etag })),
      )
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
      expect(winners).toHaveLength(1)
      for (const r of results) if (r.status === 'rejected') expect(['store.preconditionFailed', 'store.conflict']).toContain(codeOf(r))
      const stored = await store.get(`${p}counter`)
      expect(new TextDecoder().decode(stored?.body)).toBe(`racer-${winners[0]}`)
    })

    it('answers a conditional GET with "not modified" while the etag matches', async () => {
      const p = ns()
      const v1 = await store.put(`${p}k`, 'v1')
      const same = await store.get(`${p}k`, { ifNoneMatch: v1.etag })
      expect(same?.notModified).toBe(true)
      expect(same && 'body' in same).toBe(false)
      await store.put(`${p}k`, 'v2')
      const changed = await store.get(`${p}k`, { ifNoneMatch: v1.etag })
      expect(changed?.notModified).toBe(false)
      expect(changed && !changed.notModified && new TextDecoder().decode(changed.body)).toBe('v2')
    })

    it('deletes conditionally where the store supports it', async () => {
      const p = ns()
      const v1 = await store.put(`${p}k`, 'v1')
      await store.put(`${p}k`, 'v2')
      if (store.capabilities.conditionalDelete) {
        const err = await store.delete(`${p}k`, { ifMatch: v1.etag }).catch((e) => e)
        expect(isS3verlessError(err, 'store.preconditionFailed')).toBe(true)
        expect(await store.get(`${p}k`)).not.toBeNull()
      }
      const current = await store.get(`${p}k`)
      await store.delete(`${p}k`, { ifMatch: current?.etag as string })
      expect(await store.get(`${p}k`)).toBeNull()
    })

    it('pages 2,500 keys in UTF-8 byte order, every key exactly once', async () => {
      const p = ns()
      // Mix ASCII, BMP characters above the surrogate range (U+E000–U+FFFF) and astral characters:
      // UTF-16 order and UTF-8 byte order disagree on exactly these.
      const alphabet = ['a', 'Z', '0', '-', 'é', '\uE000', '\uFFFD', 'ｱ', '😀', '\u{10000}', '𝄞', '~']
      const keys = Array.from({ length: 2500 }, (_, i) => {
        const a = alphabet[i % alphabet.length]
        const b = alphabet[Math.floor(i / alphabet.length) % alphabet.length]
        return `${p}${a}${b}-${i.toString().padStart(4, '0')}`
      })
      for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => store.put(k, '')))
      const expected = byteSorted(keys)
      const big = await listEverything(store, p, 1000)
      expect(big.pages).toBe(3)
      expect(big.keys).toEqual(expected)
      const small = await listEverything(store, p, 97)
      expect(small.pages).toBe(Math.ceil(2500 / 97))
      expect(small.keys).toEqual(expected)
      expect(new Set(small.keys).size).toBe(2500)
    })

    it('starts after a given key and combines startAfter with cursors', async () => {
      const p = ns()
      const keys = Array.from({ length: 30 }, (_, i) => `${p}k${i.toString().padStart(2, '0')}`)
      await Promise.all(keys.map((k) => store.put(k, 'x')))
      const after = await listEverything(store, p, 7, { startAfter: `${p}k09` })
      expect(after.keys).toEqual(keys.slice(10))
      const between = await store.list(p, { startAfter: `${p}k095` })
      expect(between.objects[0]?.key).toBe(`${p}k10`)
      const beyond = await store.list(p, { startAfter: `${p}zzz` })
      expect(beyond.objects).toEqual([])
      const before = await store.list(p, { startAfter: base })
      expect(before.objects).toHaveLength(30)
    })

    it('groups keys by a delimiter into common prefixes, paging through them', async () => {
      const p = ns()
      const keys = ['a/1', 'a/2', 'a/3', 'b/x/1', 'b/y', 'c', 'd.json', 'e/']
      await Promise.all(keys.map((k) => store.put(p + k, 'x')))
      const page = await store.list(p, { delimiter: '/' })
      expect(page.objects.map((o) => o.key)).toEqual([`${p}c`, `${p}d.json`])
      expect(page.commonPrefixes).toEqual([`${p}a/`, `${p}b/`, `${p}e/`])
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const small = await store.list(p, { delimiter: '/', limit: 1, ...(cursor ? { cursor } : {}) })
        expect(small.objects.length + small.commonPrefixes.length).toBe(1)
        seen.push(...small.commonPrefixes, ...small.objects.map((o) => o.key))
        cursor = small.cursor
      } while (cursor)
      expect(seen).toEqual([`${p}a/`, `${p}b/`, `${p}c`, `${p}d.json`, `${p}e/`])
      const nested = await store.list(`${p}b/`, { delimiter: '/' })
      expect(nested.objects.map((o) => o.key)).toEqual([`${p}b/y`])
      expect(nested.commonPrefixes).toEqual([`${p}b/x/`])
    })

    it('reports each listed object with its size and modification time', async () => {
      const p = ns()
      await store.put(`${p}three`, 'abc')
      const page = await store.list(p)
      expect(page.objects).toHaveLength(1)
      expect(page.objects[0]?.size).toBe(3)
      expect(page.objects[0]?.lastModified).toBeInstanceOf(Date)
    })

    it('deletes over 1,000 keys in batches and refuses a batch over the limit', async () => {
      const p = ns()
      const keys = Array.from({ length: 1200 }, (_, i) => `${p}${i.toString().padStart(4, '0')}`)
      for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => store.put(k, 'x')))
      const tooMany = await store.deleteMany([...keys, `${p}extra`]).catch((e) => e)
      expect(isS3verlessError(tooMany, 'store.invalidRequest')).toBe(true)
      expect((await listEverything(store, p, 1000)).keys).toHaveLength(1200)
      const first = await store.deleteMany(keys.slice(0, 1000))
      expect(first.deleted).toHaveLength(1000)
      expect(first.errors).toEqual([])
      const second = await store.deleteMany([...keys.slice(1000), `${p}never-existed`])
      expect(second.errors).toEqual([])
      expect((await listEverything(store, p, 1000)).keys).toEqual([])
    })

    it('rejects unusable keys and page sizes before any request', async () => {
      const p = ns()
      const codes = await Promise.all([
        store.put('', 'x').catch((e) => e.code),
        store.get(`${p}${'k'.repeat(1100)}`).catch((e) => e.code),
        store.put(`${p}\uD800lone`, 'x').catch((e) => e.code),
        store.list(p, { limit: 0 }).catch((e) => e.code),
        store.list(p, { limit: 1001 }).catch((e) => e.code),
      ])
      expect(codes).toEqual(Array(5).fill('store.invalidRequest'))
      const longest = `${p}${'é'.repeat((1024 - utf8(p).length) >> 1)}`
      await store.put(longest, 'fits')
      expect(await store.get(longest)).not.toBeNull()
    })
  })
}
