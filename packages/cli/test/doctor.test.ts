import { fileURLToPath } from 'node:url'
import { createDatabase, encodeValue, InjectedFault, instrumentStore, type ObjectStore, uuidv7 } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cli, dataDir } from './cli-harness.js'
import { s3verless } from './cli-process.js'
import { Account, Book, MODELS, Shelf } from './crash/world.js'

const MODELS_MODULE = fileURLToPath(new URL('./crash/world.ts', import.meta.url))
const LEASE_MS = 300
const BASE = 's3verless-data/'
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
let cleanup: (() => Promise<void>) | undefined
afterEach(() => cleanup?.())

/** A data directory with the crash world's models on it (lease {@link LEASE_MS}). */
async function world(wrap: (store: ObjectStore) => ObjectStore = (s) => s) {
  const dir = await dataDir([])
  cleanup = dir.cleanup
  const store = fsStore({ root: dir.root, durable: false })
  const db = createDatabase({ store: wrap(store), models: MODELS, leaseMs: LEASE_MS })
  const args = (...extra: string[]) => ['doctor', '--models', MODELS_MODULE, '--data', dir.root, '--lease', String(LEASE_MS), ...extra]
  return { root: dir.root, store, db, args }
}

const keysUnder = async (store: ObjectStore, prefix: string) => (await store.list(`${BASE}${prefix}`)).objects.map((o) => o.key)

describe('s3verless doctor', () => {
  it('as a process: reports drift made on purpose (exit 1), --repair fixes it, a second run is clean', async () => {
    const { store, db, args } = await world()
    const accounts = db.repository(Account)
    const kept = await accounts.create({ handle: 'h1', tier: 'gold', tag: 'a' })
    const other = await accounts.create({ handle: 'h2', tier: 'silver', tag: 'b' })
    // Drift: a record's index entry deleted, a stale entry planted, another record's claim deleted,
    // and a claim left behind by a writer that never wrote its record.
    const [goldEntry] = await keysUnder(store, `_index/accounts/tier/${encodeValue('gold')}/`)
    await store.delete(goldEntry as string)
    const stale = `${BASE}_index/accounts/tier/${encodeValue('bronze')}/${kept.id}.planted`
    await store.put(stale, '')
    await store.delete(`${BASE}_unique/accounts/handle/${encodeValue('h2')}`)
    const abandoned = `${BASE}_unique/accounts/handle/${encodeValue('h5')}`
    await store.put(abandoned, JSON.stringify({ id: uuidv7(), w: 'crashed-writer' }))
    expect((await accounts.findAllBy('tier', 'gold')).map((a) => a.id)).toEqual([]) // what the drift does to a user
    await sleep(LEASE_MS * 2) // the leftovers are older than the lease: abandoned, not in flight

    const found = await s3verless([...args(), '--no-progress'])
    expect(found.stderr).toBe('')
    expect(found.code).toBe(1)
    expect(found.stdout).toContain(
      'Account          2 records    1 missing index entry, 1 stale index entry, 1 missing unique claim, 1 abandoned unique claim',
    )
    expect(found.stdout).toContain(stale)
    expect(found.stdout).toContain(`handle="h2" of ${other.id}`)
    expect(found.stdout).toContain(abandoned)
    expect(found.stdout).toMatch(/^Counter +0 records +clean$/m)
    expect(found.stdout).toMatch(/4 findings in 1 model of data directory .*: run with --repair to fix what can be fixed\.\n$/)

    const repaired = await s3verless(args('--repair'))
    expect(repaired.code).toBe(0)
    expect(repaired.stdout).toContain(
      'Repaired: 1 index entries added, 1 removed, 1 unique claims added, 1 released, 0 tombstones removed, 0 deletes finished, 0 old transaction records removed (0 records rolled forward).',
    )
    expect(repaired.stdout).toMatch(/Clean: 4 models in data directory /)
    expect(repaired.stderr).toMatch(/repair Account +\[[█░]+\] 2\/2 records/) // the progress bar

    const again = await s3verless([...args(), '--json'])
    expect(again.code).toBe(0)
    const json = JSON.parse(again.stdout) as { clean: boolean; findings: number; models: { model: string; records: number }[] }
    expect(json).toMatchObject({ clean: true, findings: 0, leaseMs: LEASE_MS })
    expect(json.models.map((m) => [m.model, m.records])).toEqual([
      ['Account', 2],
      ['Book', 0],
      ['Counter', 0],
      ['Shelf', 0],
    ])
    // What the user sees again: the record found by its tier, the stale answer gone, h5 free, h2 taken.
    expect((await accounts.findAllBy('tier', 'gold')).map((a) => a.id)).toEqual([kept.id])
    expect(await accounts.findAllBy('tier', 'bronze')).toEqual([])
    await expect(accounts.create({ handle: 'h2', tier: 'gold', tag: 'c' })).rejects.toMatchObject({ code: 'model.unique' })
    expect((await accounts.create({ handle: 'h5', tier: 'gold', tag: 'd' })).handle).toBe('h5')
  }, 60_000)

  it('finishes a delete that stopped midway; reports orphans and leaves them (exit 1 after --repair)', async () => {
    let failBooks = false
    const { db, args } = await world((store) => {
      const instrumented = instrumentStore(store)
      instrumented.injectFault({
        key: (k) => failBooks && /\/books\//.test(k),
        op: ['delete', 'put'],
        times: Number.POSITIVE_INFINITY,
        error: () => new InjectedFault('delete', 'a book'),
      })
      return instrumented
    })
    const shelf = await db.repository(Shelf).create({ name: 'S', tag: 's' })
    await db.repository(Book).create({ title: 'B', shelfId: shelf.id, tag: 'b' })
    failBooks = true
    const stopped = await db
      .repository(Shelf)
      .delete(shelf.id)
      .catch((e: unknown) => e)
    expect(stopped).toMatchObject({ code: 'model.deleteIncomplete' })
    failBooks = false
    const orphan = await db.repository(Book).create({ title: 'O', shelfId: uuidv7(), tag: 'o' })
    await sleep(LEASE_MS * 2)

    const found = await cli(args('--json'))
    expect(found.code).toBe(1)
    const report = JSON.parse(found.stdout) as {
      findings: number
      models: { model: string; pendingDeletes: string[]; orphans: { id: string }[] }[]
    }
    const byModel = new Map(report.models.map((m) => [m.model, m]))
    expect(byModel.get('Shelf')?.pendingDeletes).toEqual([`${BASE}shelves/${shelf.id}.json`])
    // The book under the marked shelf counts as an orphan too until the delete is finished.
    expect(
      byModel
        .get('Book')
        ?.orphans.map((o) => o.id)
        .sort(),
    ).toHaveLength(2)

    const repaired = await cli(args('--repair', '--no-progress'))
    expect(repaired.code).toBe(1)
    expect(repaired.stdout).toContain('1 deletes finished')
    expect(repaired.stdout).toContain(`Book ${orphan.id}: shelfId=${orphan.shelfId} names no Shelf`)
    expect(repaired.stdout).toMatch(/1 finding in 1 model of .*: what is left needs a person/)
    expect(await db.repository(Shelf).get(shelf.id)).toBeNull()
    expect((await db.repository(Book).listByPrefix()).items.map((b) => b.id)).toEqual([orphan.id])
  }, 60_000)

  it('lists a claim younger than the lease as in flight and leaves it (exit 0)', async () => {
    const { store, args } = await world()
    const young = `${BASE}_unique/accounts/handle/${encodeValue('h3')}`
    await store.put(young, JSON.stringify({ id: uuidv7(), w: 'writing-now' }))
    const run = await cli(['doctor', ...args().slice(1, -1), '60000', '--repair', '--no-progress'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Account +0 records +clean \(1 in flight, left alone\)$/m)
    expect(await store.get(young)).not.toBeNull()
  })

  it('refuses bad input with one clear line', async () => {
    const { args } = await world()
    const noModels = await cli(['doctor'])
    expect(noModels.code).toBe(2)
    expect(noModels.stderr.split('\n')[0]).toBe('s3verless doctor: --models <module> is required (the module that exports your models)')
    const lease = await cli(args().slice(0, -1).concat('soon'))
    expect(lease.code).toBe(2)
    expect(lease.stderr.split('\n')[0]).toBe('s3verless doctor: --lease must be a whole number of milliseconds, got "soon"')
    const tooShort = await cli(args().slice(0, -1).concat('1'))
    expect(tooShort.code).toBe(1)
    expect(tooShort.stderr).toMatch(/^s3verless doctor: leaseMs must be at least 2 ms on the fs store .* \[settings\.invalid\]\n$/)
    const missing = await cli(['doctor', '--models', MODELS_MODULE, '--data', '/nonexistent/s3v-doctor'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('s3verless doctor: No data directory at /nonexistent/s3v-doctor. Check --data. [cli.noDataDir]\n')
  })
})
