import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  belongsTo,
  createDatabase,
  defineModel,
  hasMany,
  instrumentStore,
  isOutcomeUnknown,
  isS3verlessError,
  memoryStore,
  outcomeOf,
  Throttled,
} from '../../src/index.js'
import { lamp } from './fixtures.js'
import { allRecords, CLAIM, client, invariantViolations, memoryClients, RECORD, sleep, unavailable } from './race-fixtures.js'

// Issue 17, "Every reported outcome is true": one test (or a few) per finding, each driving the
// interleaving deterministically and checking what a user would notice.

const PAUSE = 150
const forever = Number.POSITIVE_INFINITY

describe('1. a landed write whose answer was lost is never reported as a failure', () => {
  it('update(fn): the increment landed, its answer was lost, another increment landed on top before the re-read: applied once', async () => {
    const {
      clients: [lost, other],
    } = memoryClients(2)
    const a = await lost!.products.create(lamp({ sku: 'C-1' }))
    lost!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    const pause = lost!.pauseAfter('put', RECORD, PAUSE) // its re-read comes late
    const first = lost!.products.update(a.id, (p) => ({ stock: p.stock + 1 }))
    await pause.landed
    await other!.products.update(a.id, (p) => ({ stock: p.stock + 1 }))
    const result = await first
    expect(result.stock).toBe(1) // what it wrote; its version was replaced since
    expect((await other!.products.getOrThrow(a.id)).stock).toBe(2) // two increments, each applied once
    // The version it wrote is no longer current: an ifMatch on what it returned is a conflict, not a lost update.
    const stale = await other!.products.update(a.id, { name: 'x' }, { ifMatch: result.$etag }).catch((e: unknown) => e)
    expect(isS3verlessError(stale, 'model.conflict')).toBe(true)
  })

  it('update(patch): the same interleaving reports success (the change is stored), not model.conflict', async () => {
    const {
      clients: [lost, other],
    } = memoryClients(2)
    const a = await lost!.products.create(lamp({ sku: 'C-2', category: 'old' }))
    lost!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    const pause = lost!.pauseAfter('put', RECORD, PAUSE)
    const first = lost!.products.update(a.id, { name: 'mine' }).catch((e: unknown) => e)
    await pause.landed
    await other!.products.update(a.id, { category: 'new' })
    expect(isS3verlessError(await first)).toBe(false)
    expect(await other!.products.getOrThrow(a.id)).toMatchObject({ name: 'mine', category: 'new' })
    expect(await invariantViolations(other!.products, { mustExist: [a.id] })).toEqual([])
  })

  it('eight writes on top before the re-read push the write out of the lineage: unknown, never a failure', async () => {
    const {
      clients: [lost, other],
    } = memoryClients(2)
    const a = await lost!.products.create(lamp({ sku: 'C-3' }))
    lost!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    const pause = lost!.pauseAfter('put', RECORD, 3 * PAUSE)
    const first = lost!.products.update(a.id, (p) => ({ stock: p.stock + 1 })).catch((e: unknown) => e)
    await pause.landed
    for (let i = 0; i < 8; i++) await other!.products.update(a.id, (p) => ({ stock: p.stock + 1 }))
    const result = await first
    expect(isOutcomeUnknown(result)).toBe(true)
    expect(outcomeOf(result)).toBe('unknown')
    expect((await other!.products.getOrThrow(a.id)).stock).toBe(9) // applied once, not retried
  })

  it('a write that lost the race while its answer was lost is a definite conflict (the lineage shows the winner)', async () => {
    const {
      clients: [lost, other],
    } = memoryClients(2)
    const a = await lost!.products.create(lamp({ sku: 'C-4' }))
    // The request fails before reaching the store, but its answer looks like a lost one (a 5xx).
    lost!.store.injectFault({ op: 'put', key: RECORD, error: () => unavailable() })
    lost!.store.injectFault({ op: 'get', key: RECORD, skip: 1, delayMs: PAUSE }) // the re-read comes late
    const first = lost!.products.update(a.id, { name: 'never' }, { ifMatch: a.$etag }).catch((e: unknown) => e)
    await sleep(PAUSE / 3)
    await other!.products.update(a.id, { name: 'winner' })
    expect(isS3verlessError(await first, 'model.conflict')).toBe(true)
    expect((await other!.products.getOrThrow(a.id)).name).toBe('winner')
  })

  it('a timeout whose request is still on its way: the write is sent again, and exactly one of the two lands', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    const a = await c!.products.create(lamp({ sku: 'C-5' }))
    c!.store.injectFault({ op: 'put', key: RECORD, lateMs: 40, error: () => unavailable('injected: timeout') })
    const result = await c!.products.update(a.id, (p) => ({ stock: p.stock + 1 }))
    await sleep(80) // the first request has reached the store by now (and failed its condition)
    expect(result.stock).toBe(1)
    expect(await c!.products.getOrThrow(a.id)).toMatchObject({ stock: 1, $etag: result.$etag })
  })

  it('a timeout whose request is still on its way and a failed re-read: unknown, and update(fn) does not retry it', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    const a = await c!.products.create(lamp({ sku: 'C-6' }))
    c!.store.injectFault({ op: 'put', key: RECORD, lateMs: 40, error: () => unavailable('injected: timeout') })
    c!.store.injectFault({ op: 'get', key: RECORD, skip: 1, error: () => unavailable('injected: outage') })
    const result = await c!.products.update(a.id, (p) => ({ stock: p.stock + 1 })).catch((e: unknown) => e)
    expect(isOutcomeUnknown(result)).toBe(true)
    await sleep(80)
    expect((await c!.products.getOrThrow(a.id)).stock).toBe(1) // landed late, once
  })

  it('create: the record landed, its answer was lost and another client changed it before the re-read: success', async () => {
    const {
      clients: [lost, other],
    } = memoryClients(2)
    await other!.products.indexStatus()
    lost!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    const pause = lost!.pauseAfter('put', RECORD, PAUSE)
    const first = lost!.products.create(lamp({ sku: 'C-7', category: 'a' }))
    await pause.landed
    const [landed] = (await other!.products.listByPrefix()).items
    await other!.products.update(landed!.id, { category: 'b', price: 99 }) // changes every indexed field
    const created = await first
    expect(created.id).toBe(landed!.id)
    expect(await invariantViolations(other!.products, { mustExist: [created.id] })).toEqual([])
  })

  it('delete: the answer was lost and the re-read failed: unknown (not a plain store error); a retry finishes it', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    const a = await c!.products.create(lamp({ sku: 'C-8' }))
    c!.store.injectFault({ op: 'delete', key: RECORD, afterRequest: true, error: () => unavailable() })
    c!.store.injectFault({ op: 'get', key: RECORD, skip: 1, error: () => unavailable('injected: outage') })
    const result = await c!.products.delete(a.id).catch((e: unknown) => e)
    expect(isOutcomeUnknown(result)).toBe(true)
    expect(await c!.products.get(a.id)).toBeNull() // it had landed
    expect(await c!.products.delete(a.id)).toBe(false)
    await sleep(1) // the claim it left is released once the lease passes (lease of the default is long: check the report only)
    expect((await c!.products.verify()).staleClaims.length + (await c!.products.verify()).inFlight.length).toBeGreaterThan(0)
  })
})

describe('2. a lazy upgrade that changes an indexed or unique value, then an ordinary write', () => {
  const V1 = defineModel(z.object({ sku: z.string(), category: z.string(), note: z.string() }), {
    name: 'Part',
    unique: ['sku'],
    indexed: ['category'],
  })
  const upper = (r: Record<string, unknown>) => ({ ...r, sku: String(r.sku).toUpperCase(), category: String(r.category).toUpperCase() })
  const V2 = defineModel(z.object({ sku: z.string(), category: z.string(), note: z.string() }), {
    name: 'Part',
    unique: ['sku'],
    indexed: ['category'],
    version: 2,
    upgrades: { 2: upper },
  })

  it('the write diffs against what is stored: the record is found by its new values, holds its new claim, frees the old', async () => {
    const store = memoryStore()
    const old = await createDatabase({ store, models: [V1] })
      .repository(V1)
      .create({ sku: 'ab-1', category: 'tools', note: 'x' })
    const parts = createDatabase({ store, models: [V2] }).repository(V2)
    await parts.update(old.id, { note: 'touched' }) // touches another field only
    expect((await parts.findBy('sku', 'AB-1'))?.id).toBe(old.id)
    expect((await parts.findAllBy('category', 'TOOLS')).map((p) => p.id)).toEqual([old.id])
    expect(await parts.findAllBy('category', 'tools')).toEqual([])
    const dup = await parts.create({ sku: 'AB-1', category: 'x', note: 'dup' }).catch((e: unknown) => e)
    expect(isS3verlessError(dup, 'model.unique')).toBe(true)
    expect(await parts.create({ sku: 'ab-1', category: 'x', note: 'old value is free' })).toMatchObject({ sku: 'ab-1' })
    const report = await parts.verify()
    expect(report).toMatchObject({ missingIndexEntries: [], missingClaims: [], duplicates: [] })
  })

  it('verify judges a record not yet rewritten by what is stored, and readers do not remove its entries', async () => {
    const store = memoryStore()
    const old = await createDatabase({ store, models: [V1] })
      .repository(V1)
      .create({ sku: 'cd-2', category: 'garden', note: 'x' })
    const parts = createDatabase({ store, models: [V2], leaseMs: 2 }).repository(V2)
    await sleep(5)
    await parts.findAllBy('category', 'garden') // reads the entry; the record reads GARDEN, but the entry is what it stores
    const report = await parts.verify()
    expect(report).toMatchObject({ missingIndexEntries: [], missingClaims: [], danglingIndexEntries: [], staleClaims: [] })
    await parts.update(old.id, { note: 'now' })
    expect((await parts.findAllBy('category', 'GARDEN')).map((p) => p.id)).toEqual([old.id])
  })
})

// Author → books (cascade) → reviews (restrict); books → notes (setNull).
const Author = defineModel(z.object({ name: z.string() }), {
  name: 'Author',
  relations: { books: hasMany('Book', { foreignKey: 'authorId', onDelete: 'cascade' }) },
})
const Book = defineModel(z.object({ title: z.string(), authorId: z.string() }), {
  name: 'Book',
  relations: {
    author: belongsTo('Author', { foreignKey: 'authorId' }),
    reviews: hasMany('Review', { foreignKey: 'bookId', onDelete: 'restrict' }),
    notes: hasMany('Note', { foreignKey: 'bookId', onDelete: 'setNull' }),
  },
})
const Review = defineModel(z.object({ text: z.string(), bookId: z.string() }), {
  name: 'Review',
  relations: { book: belongsTo('Book', { foreignKey: 'bookId' }) },
})
const Note = defineModel(z.object({ text: z.string(), bookId: z.string().nullable() }), {
  name: 'Note',
  relations: { book: belongsTo('Book', { foreignKey: 'bookId' }) },
})

function library(shared = memoryStore()) {
  const store = instrumentStore(shared)
  const db = createDatabase({ store, models: [Author, Book, Review, Note] })
  return {
    shared,
    store,
    authors: db.repository(Author),
    books: db.repository(Book),
    reviews: db.repository(Review),
    notes: db.repository(Note),
  }
}

describe('3. a delete with relation rules commits before touching dependents, and never half-deletes', () => {
  it('restrict anywhere in the cascade tree refuses the delete before anything changes', async () => {
    const env = library()
    const author = await env.authors.create({ name: 'Ann' })
    const free = await env.books.create({ title: 'free', authorId: author.id })
    const reviewed = await env.books.create({ title: 'reviewed', authorId: author.id })
    await env.reviews.create({ text: 'good', bookId: reviewed.id })
    await Promise.all([env.notes.indexStatus(), env.reviews.indexStatus()]) // (the index catalogs are read or made once)
    env.store.reset()
    const error = await env.authors.delete(author.id).catch((e: unknown) => e)
    expect(isS3verlessError(error, 'model.restricted')).toBe(true)
    expect(outcomeOf(error)).toBe('failed')
    expect(env.store.counts().put + env.store.counts().delete + env.store.counts().deleteMany).toBe(0) // nothing written
    expect(await env.authors.get(author.id)).not.toBeNull()
    expect((await env.books.getMany([free.id, reviewed.id])).length).toBe(2)
  })

  it('an update of the parent while its cascade runs: the parent stays deleted and every dependent goes', async () => {
    const shared = memoryStore()
    const deleter = library(shared)
    const writer = library(shared)
    const author = await deleter.authors.create({ name: 'Bo' })
    for (const title of ['a', 'b', 'c']) await deleter.books.create({ title, authorId: author.id })
    // The deleter stalls right after marking the author as being deleted (its first record PUT).
    let marked!: () => void
    const landed = new Promise<void>((resolve) => {
      marked = resolve
    })
    let armed = true
    deleter.store.setLatency((op, key) => {
      if (armed && op === 'put' && key.includes('/authors/')) {
        armed = false
        setTimeout(marked, 0)
        return 0
      }
      return armed ? 0 : key.includes('/books/') ? PAUSE / 3 : 0
    })
    const deleting = deleter.authors.delete(author.id)
    await landed
    const update = await writer.authors.update(author.id, { name: 'renamed' }).catch((e: unknown) => e)
    expect(isS3verlessError(update, 'model.notFound')).toBe(true) // it reads as deleted from the mark on
    expect(await deleting).toBe(true)
    expect(await writer.authors.get(author.id)).toBeNull()
    expect(await writer.books.count()).toBe(0)
  })

  it('a fault midway: model.deleteIncomplete (partial), the parent reads as deleted, and deleting again finishes', async () => {
    const env = library()
    const author = await env.authors.create({ name: 'Cy' })
    for (const title of ['a', 'b', 'c']) await env.books.create({ title, authorId: author.id })
    // Every book delete after the first is refused (throttled: certainly not applied).
    env.store.injectFault({ op: 'delete', key: /\/books\//, skip: 1, error: () => new Throttled('delete', 'book'), times: forever })
    const error = await env.authors.delete(author.id).catch((e: unknown) => e)
    env.store.clearFaults()
    expect(isS3verlessError(error, 'model.deleteIncomplete')).toBe(true)
    expect(outcomeOf(error)).toBe('partial')
    expect(await env.authors.get(author.id)).toBeNull()
    expect(await env.books.count()).toBe(2)
    expect(await env.authors.delete(author.id)).toBe(false) // already deleted; finishes what was left
    expect(await env.books.count()).toBe(0)
    expect(await env.authors.count()).toBe(0)
  })

  it('a crash after the mark is finished by verify({ repair: true }) once the lease has passed', async () => {
    const shared = memoryStore()
    const env = library(shared)
    const author = await env.authors.create({ name: 'Di' })
    await env.books.create({ title: 'a', authorId: author.id })
    const crashing = client(shared)
    void crashing
    env.store.injectFault({ op: ['delete', 'deleteMany', 'put'], key: /\/books\/|_index/, error: () => new Error('crash'), times: forever })
    await env.authors.delete(author.id).catch(() => undefined)
    env.store.clearFaults()
    expect(await env.authors.get(author.id)).toBeNull()
    const later = createDatabase({ store: shared, models: [Author, Book, Review, Note], leaseMs: 2 })
    await sleep(5)
    const report = await later.repository(Author).verify({ repair: true })
    expect(report.pendingDeletes).toHaveLength(1)
    expect(report.repaired.deletesFinished).toBe(1)
    expect(await later.repository(Book).count()).toBe(0)
    expect(await later.repository(Author).count()).toBe(0)
  })
})

describe('4. setNull re-checks the foreign key', () => {
  it('a note moved to another book meanwhile keeps its new book; a note deleted meanwhile does not fail the delete', async () => {
    const shared = memoryStore()
    const deleter = library(shared)
    const writer = library(shared)
    const author = await deleter.authors.create({ name: 'Eve' })
    const book = await deleter.books.create({ title: 'old', authorId: author.id })
    const other = await deleter.books.create({ title: 'other', authorId: author.id })
    const moved = await deleter.notes.create({ text: 'moved', bookId: book.id })
    const gone = await deleter.notes.create({ text: 'gone', bookId: book.id })
    const stays = await deleter.notes.create({ text: 'stays', bookId: book.id })
    // Between reading the notes and nulling them, another client moves one and deletes one.
    let first = true
    deleter.store.setLatency((op, key) => {
      if (op !== 'put' || !key.includes('notes/') || !first) return 0
      first = false
      return PAUSE
    })
    const deleting = deleter.books.delete(book.id)
    await sleep(PAUSE / 3)
    await writer.notes.update(moved.id, { bookId: other.id })
    await writer.notes.delete(gone.id)
    expect(await deleting).toBe(true)
    expect((await writer.notes.getOrThrow(moved.id)).bookId).toBe(other.id)
    expect((await writer.notes.getOrThrow(stays.id)).bookId).toBeNull()
    expect(await writer.notes.get(gone.id)).toBeNull()
  })
})

describe('5. a lease shorter than the store can judge is refused', () => {
  it('leaseMs below twice the clock resolution is settings.invalid, naming the minimum', () => {
    const store = memoryStore({ timeResolutionMs: 1000 })
    const Thing = defineModel(z.object({ name: z.string() }), { name: 'Thing', unique: ['name'] })
    for (const leaseMs of [300, 1000, 1999]) {
      let error: unknown
      try {
        createDatabase({ store, models: [Thing], leaseMs })
      } catch (e) {
        error = e
      }
      expect(isS3verlessError(error, 'settings.invalid')).toBe(true)
      expect((error as Error).message).toContain('2000')
    }
    expect(() => createDatabase({ store, models: [Thing], leaseMs: 2000 })).not.toThrow()
  })

  it('with second-resolution clocks and the smallest allowed lease, a young claim never looks abandoned', async () => {
    // Times reported to the second: a claim 50 ms old can read as 1 s old. 40 rounds across second boundaries.
    const shared = memoryStore({ timeResolutionMs: 1000 })
    const slow = client(shared, { leaseMs: 2000 })
    const fast = client(shared, { leaseMs: 2000 })
    await fast.products.indexStatus()
    for (let round = 0; round < 40; round++) {
      slow.store.injectFault({ op: 'put', key: RECORD, delayMs: 60 })
      const a = slow.products.create(lamp({ sku: `S-${round}`, name: 'slow' }))
      await sleep(25 + (round % 5) * 5)
      const b = await fast.products.create(lamp({ sku: `S-${round}`, name: 'fast' })).catch((e: unknown) => e)
      await a
      expect(isS3verlessError(b, 'model.unique')).toBe(true)
    }
  }, 20_000)
})

describe('6. createMany takes back only what it made, and says when it could not', () => {
  it('a failed rollback delete: model.batchIncomplete naming the record left (not the first definite error)', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    await c!.products.create(lamp({ sku: 'TAKEN' }))
    c!.store.injectFault({ op: 'delete', key: RECORD, error: () => unavailable('injected: request failed'), times: forever })
    c!.store.setLatency(3)
    const error = await c!.products.createMany([lamp({ sku: 'NEW-1' }), lamp({ sku: 'TAKEN' })]).catch((e: unknown) => e)
    c!.store.clearFaults()
    expect(isS3verlessError(error, 'model.batchIncomplete')).toBe(true)
    const kept = (error as { details: { kept: string[] } }).details.kept
    expect(kept).toHaveLength(1)
    expect((await c!.products.getOrThrow(kept[0]!)).sku).toBe('NEW-1')
  })

  it('a create of unknown outcome is not masked by another input’s definite error', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    await c!.products.create(lamp({ sku: 'TAKEN' }))
    c!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    c!.store.injectFault({ op: 'get', key: RECORD, error: () => unavailable('injected: outage') }) // LOST's re-read
    c!.store.injectFault({ op: 'get', key: CLAIM, delayMs: 50 }) // TAKEN looks at the holder only after that
    const error = await c!.products.createMany([lamp({ sku: 'LOST' }), lamp({ sku: 'TAKEN' })]).catch((e: unknown) => e)
    expect(isS3verlessError(error, 'model.batchIncomplete'), String(error)).toBe(true)
    expect(outcomeOf(error)).toBe('unknown')
    expect((error as { details: { unknown: { index: number }[] } }).details.unknown.map((u) => u.index)).toEqual([0])
  })

  it('a record another client updated meanwhile is kept, with that client’s change', async () => {
    const {
      clients: [c, other],
    } = memoryClients(2)
    await c!.products.create(lamp({ sku: 'TAKEN' }))
    // Input 1 (a taken value) fails slowly; meanwhile another client updates the record of input 0.
    c!.store.injectFault({ op: 'get', key: CLAIM, delayMs: PAUSE })
    const creating = c!.products.createMany([lamp({ sku: 'FIRST', category: 'listed' }), lamp({ sku: 'TAKEN' })]).catch((e: unknown) => e)
    await sleep(PAUSE / 2)
    const [first] = await other!.products.findAllBy('category', 'listed')
    await other!.products.update(first!.id, { name: 'theirs' })
    const error = await creating
    expect(isS3verlessError(error, 'model.batchIncomplete')).toBe(true)
    expect(outcomeOf(error)).toBe('partial')
    expect((await other!.products.getOrThrow(first!.id)).name).toBe('theirs')
  })

  it('the rollback never cascades into dependents another client created meanwhile', async () => {
    const env = library()
    await env.authors.create({ name: 'taken' })
    const Unique = defineModel(z.object({ name: z.string() }), {
      name: 'Author',
      unique: ['name'],
      relations: { books: hasMany('Book', { foreignKey: 'authorId', onDelete: 'cascade' }) },
    })
    const db = createDatabase({ store: env.store, models: [Unique, Book, Review, Note] })
    const authors = db.repository(Unique)
    await authors.reindex()
    await authors.create({ name: 'dup' })
    env.store.injectFault({ op: 'get', key: /_unique\/authors\//, delayMs: PAUSE })
    const creating = authors.createMany([{ name: 'fresh' }, { name: 'dup' }]).catch((e: unknown) => e)
    await sleep(PAUSE / 2)
    const fresh = (await allIn(authors)).find((a) => a.name === 'fresh')!
    const book = await db.repository(Book).create({ title: 'theirs', authorId: fresh.id })
    const error = await creating
    expect(isS3verlessError(error, 'model.batchIncomplete')).toBe(true)
    expect(await db.repository(Book).get(book.id)).not.toBeNull()
    expect(await authors.get(fresh.id)).not.toBeNull()
  })

  it('with nothing left behind, the first definite error is rethrown and nothing remains', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    await c!.products.create(lamp({ sku: 'TAKEN' }))
    const error = await c!.products.createMany([lamp({ sku: 'OK-1' }), lamp({ sku: 'TAKEN' })]).catch((e: unknown) => e)
    expect(isS3verlessError(error, 'model.unique')).toBe(true)
    expect((await allRecords(c!.products)).map((p) => p.sku)).toEqual(['TAKEN'])
  })
})

async function allIn<T>(repo: { listByPrefix(o: { limit: number }): Promise<{ items: T[] }> }): Promise<T[]> {
  return (await repo.listByPrefix({ limit: 1000 })).items
}

describe('7 and 9. tombstones where DELETE ignores If-Match (like Ceph RGW)', () => {
  it('a delete leaves a tombstone that is never deleted, counted or listed; a create of the id replaces it', async () => {
    const shared = memoryStore({ conditionalDelete: false })
    const c = client(shared, { leaseMs: 2 })
    const id = '01890a5d-ac96-774b-bcce-b302099a8057'
    await c.products.create({ ...lamp({ sku: 'T-1' }), id })
    await c.products.create(lamp({ sku: 'T-2' }))
    expect(await c.products.delete(id)).toBe(true)
    await sleep(5)
    await c.products.verify({ repair: true })
    expect(shared.keys()).toContain(`s3verless-data/products/${id}.json`) // the tombstone stays
    expect(await c.products.get(id)).toBeNull()
    expect(await c.products.count()).toBe(1)
    expect((await c.products.paginate()).totalCount).toBe(1)
    expect((await c.products.listByPrefix()).items.map((p) => p.sku)).toEqual(['T-2'])
    expect(await c.products.create({ ...lamp({ sku: 'T-3' }), id })).toMatchObject({ id, sku: 'T-3' })
    expect(await c.products.count()).toBe(2)
  })

  it('no request ever deletes a record key: a late or repeated DELETE cannot erase a record created since', async () => {
    const shared = memoryStore({ conditionalDelete: false })
    const store = instrumentStore(shared, { record: true })
    const db = createDatabase({ store, models: [Author, Book, Review, Note], leaseMs: 2 })
    const authors = db.repository(Author)
    const author = await authors.create({ name: 'x' })
    await db.repository(Book).create({ title: 't', authorId: author.id })
    await authors.delete(author.id)
    await sleep(5)
    await authors.verify({ repair: true })
    await db.repository(Book).verify({ repair: true })
    const recordDeletes = store
      .log()
      .filter((r) => (r.op === 'delete' || r.op === 'deleteMany') && /\/(authors|books)\/[^/]+\.json$/.test(r.key))
    expect(recordDeletes).toEqual([])
  })
})

describe('10. two creates that share two unique values', () => {
  const Account = defineModel(z.object({ username: z.string(), email: z.string() }), { name: 'Account', unique: ['username', 'email'] })

  it('exactly one of two simultaneous registrations with the same username and email succeeds (200 rounds)', async () => {
    const shared = memoryStore()
    const a = createDatabase({ store: instrumentStore(shared, { latencyMs: () => Math.random() * 4 }), models: [Account] })
    const b = createDatabase({ store: instrumentStore(shared, { latencyMs: () => Math.random() * 4 }), models: [Account] })
    const [ra, rb] = [a.repository(Account), b.repository(Account)]
    await ra.indexStatus()
    for (let round = 0; round < 200; round++) {
      const input = { username: `u${round}`, email: `u${round}@example.com` }
      const results = await Promise.all(
        [ra.create(input), rb.create(input)].map((p) =>
          p.then(
            () => 'ok',
            (e: unknown) => e,
          ),
        ),
      )
      const wins = results.filter((r) => r === 'ok')
      expect(wins, `round ${round}: ${results.map((r) => (isS3verlessError(r) ? r.code : r)).join(', ')}`).toHaveLength(1)
      for (const r of results) if (r !== 'ok') expect(isS3verlessError(r, 'model.unique')).toBe(true)
    }
    expect(await ra.count()).toBe(200)
  }, 60_000)
})
