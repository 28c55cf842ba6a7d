import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createDatabase, instrumentStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '../src/index.js'
import { Counter } from './workers/counter-model.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: repositories against a real S3 server: ${S3_SKIP_REASON}\n`)
const run = promisify(execFile)
const worker = fileURLToPath(new URL('./workers/increment.ts', import.meta.url))

async function counters() {
  const { store, bucket } = await createTestBucket(server!)
  const counted = instrumentStore(store)
  return { bucket, store: counted, counters: createDatabase({ store: counted, models: [Counter] }).repository(Counter) }
}

describe.skipIf(!server)(`repositories on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it('50 concurrent creates of one unique value: exactly one succeeds', async () => {
    const { counters: repo } = await counters()
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => repo.create({ name: 'only-one', count: 0 })))
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason.code).toBe('model.unique')
    expect(await repo.count()).toBe(1)
    expect((await repo.findBy('name', 'only-one'))?.id).toBe((won[0] as PromiseFulfilledResult<{ id: string }>).value.id)
  })

  it('50 concurrent functional increments: the final count is 50', async () => {
    const { counters: repo } = await counters()
    const c = await repo.create({ name: 'hits', count: 0 })
    await Promise.all(Array.from({ length: 50 }, () => repo.update(c.id, (cur) => ({ count: cur.count + 1 }))))
    const final = await repo.getOrThrow(c.id)
    expect(final.count).toBe(50)
    expect((await repo.findAllBy('count', 50)).map((r) => r.id)).toEqual([c.id])
    expect(await repo.findAllBy('count', 49)).toEqual([])
  }, 60_000)

  it('increments from 2 OS processes at once are all kept', async () => {
    const { counters: repo, bucket } = await counters()
    const c = await repo.create({ name: 'shared', count: 0 })
    const args = ['tsx', '--conditions=@s3verless/source', worker, bucket, c.id, '25']
    const outputs = await Promise.all([run('npx', args, { env: process.env }), run('npx', args, { env: process.env })])
    for (const o of outputs) expect(o.stdout).toContain('incremented 25 times')
    expect((await repo.getOrThrow(c.id)).count).toBe(50)
  }, 120_000)

  it('a stale ifMatch is a conflict and leaves the record unchanged', async () => {
    const { counters: repo } = await counters()
    const v1 = await repo.create({ name: 'v', count: 1 })
    await repo.update(v1.id, { count: 2 }, { ifMatch: v1.$etag })
    const err = await repo.update(v1.id, { count: 3 }, { ifMatch: v1.$etag }).catch((e) => e)
    expect(err.code).toBe('model.conflict')
    expect((await repo.getOrThrow(v1.id)).count).toBe(2)
  })

  it('a delete racing an update never erases the update (Ceph ignores conditional DELETE)', async () => {
    const { counters: repo, store } = await counters()
    const c = await repo.create({ name: 'raced', count: 0 })
    // The delete reads the record, then stalls before writing; the update lands in between.
    store.injectFault({ op: 'put', key: /counters\/[^/]+\.json$/, delayMs: 300 })
    const deleting = repo.delete(c.id).catch((e) => e)
    await new Promise((r) => setTimeout(r, 100))
    store.clearFaults()
    await repo.update(c.id, { count: 7 })
    const result = await deleting
    expect(result.code).toBe('model.conflict')
    expect((await repo.getOrThrow(c.id)).count).toBe(7)
    expect((await repo.findAllBy('count', 7)).map((r) => r.id)).toEqual([c.id])
  })

  it('keeps the request budgets on a real server', async () => {
    const { counters: repo, store } = await counters()
    await repo.indexStatus() // the index catalog: read (here, created) once per process
    store.reset()
    const c = await repo.create({ name: 'budget', count: 0 })
    expect(store.counts()).toMatchObject({ put: 3, get: 0, list: 0 })
    store.reset()
    await repo.get(c.id)
    expect(store.counts().total).toBe(1)
    store.reset()
    await repo.findBy('name', 'budget')
    expect(store.counts()).toMatchObject({ get: 2, total: 2 })
    store.reset()
    await repo.delete(c.id)
    // Ceph RGW ignores conditional DELETE: the record is replaced by a tombstone under
    // compare-and-swap (which stays: deleting it could erase a record created since), and the claim
    // is released with a conditional PUT.
    expect(store.counts()).toMatchObject({ get: 1, delete: 0, deleteMany: 1, put: 2, total: 4 })
  })
})
