// Property-based HTTP fuzz: thousands of generated requests over every route of a demo-like app
// (public products, owner-scoped notes, auth, uploads, admin, docs), with the oracles of
// ./fuzz/harness.ts on every answer: no 5xx but the documented 501, problem+json errors, the canary
// never revealed nor changed, and a refused request (4xx) leaving every key and etag of the store as
// it was. Oversized bodies and long `__in` lists are generated too (413, 422). The same fuzz runs on
// Ceph RGW (http-fuzz.rgw.test.ts) and over the demo shop (examples/shop/test/http-fuzz.test.ts).
// Replay a failure with FUZZ_SEED=<seed> (and FUZZ_PATH=<path>) from fast-check's report.
import { describe, expect, it } from 'vitest'
import { fixtureShape, fixtureWorld } from './fuzz/fixture-world.js'
import { describeStats, type FuzzWorld, runFuzz, snapshot } from './fuzz/harness.js'

const MAX_BODY = 4096
const MAX_LIST = 20
const RUNS = 100
const REQUESTS_PER_RUN = 52
const shape = fixtureShape({ maxBody: MAX_BODY, maxList: MAX_LIST })
const world = () =>
  fixtureWorld({
    maxBodySize: MAX_BODY,
    maxListValues: MAX_LIST,
    uploads: { allowedContentTypes: ['text/plain', 'image/png'], maxFileSize: 2048 },
  })

describe('HTTP fuzz (fast-check)', () => {
  it(`${RUNS * REQUESTS_PER_RUN} generated requests over every route: no 5xx, problem+json errors, the canary kept, refusals write nothing`, async () => {
    const started = Date.now()
    const stats = await runFuzz({ shape, world, runs: RUNS, requestsPerRun: REQUESTS_PER_RUN })
    console.log(`HTTP fuzz: ${describeStats(stats, (Date.now() - started) / 1000)}`)
    expect(stats.requests).toBeGreaterThanOrEqual(5000)
    expect(stats.refused).toBeGreaterThan(stats.requests / 2)
  }, 300_000)

  it('the store snapshot holds every object: records, index entries, unique claims, sessions and refresh tokens, uploads', async () => {
    const text = await snapshot((await world()).store)
    for (const kind of [
      '/notes/',
      '/_index/products/category/',
      '/_unique/products/sku/',
      '/_unique/users/',
      '/_auth/sessions/',
      '/_auth/refresh/',
      '/_auth/families/',
      '/uploads/',
    ]) {
      expect(text, kind).toContain(`s3verless-data${kind}`)
    }
    // Each line is a key with its etag, size and modification time.
    expect(text.split('\n').every((line) => /^\S+ \S+ \d+ \d+$/.test(line))).toBe(true)
  })

  // The oracle itself: a refusal that wrote part of its work before refusing must fail the fuzz.
  for (const [what, partWrite] of [
    ['a stray index entry', (w: FuzzWorld) => w.store.put('s3verless-data/_index/notes/title/sstray/x', new Uint8Array())],
    [
      'an unchanged rewrite of a unique claim (same bytes, new etag)',
      async (w: FuzzWorld) => {
        const key = (await snapshot(w.store))
          .split('\n')
          .find((line) => line.includes('/_unique/'))
          ?.split(' ')[0] as string
        const claim = await w.store.get(key)
        await w.store.put(key, claim?.body ?? new Uint8Array())
      },
    ],
  ] as const) {
    it(`catches a 422 that left ${what} behind`, async () => {
      const partlyWriting = async (): Promise<FuzzWorld> => {
        const inner = await world()
        return {
          ...inner,
          app: {
            request: async (path, init) => {
              const res = await inner.app.request(path, init)
              if (res.status === 422) await partWrite(inner)
              return res
            },
          },
        }
      }
      await expect(runFuzz({ shape, world: partlyWriting, runs: 10, requestsPerRun: REQUESTS_PER_RUN })).rejects.toThrow(/→ 422/)
    }, 60_000)
  }
})
