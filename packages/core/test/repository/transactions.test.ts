import { describe, expect, it } from 'vitest'
import { cleanupTransactions, isOutcomeUnknown, MAX_TRANSACTION_RECORDS, outcomeOf, transaction } from '../../src/index.js'
import { lamp } from './fixtures.js'
import { TX_RECORD, txWorld } from './tx-fixtures.js'

const RECORD_OBJECT = /\/(products|accounts|orders)\/[^/]+\.json$/

describe.each([
  { kind: 'conditional DELETE', conditionalDelete: true },
  { kind: 'no conditional DELETE (like Ceph RGW)', conditionalDelete: false },
])('transactions on a memory store with $kind', ({ conditionalDelete }) => {
  const world = (n = 2) => txWorld(n, { conditionalDelete })

  it('commits every write together: gets, unique and index lookups and counts all see them', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await a.products.create(lamp({ sku: 'L-1' }))
    await a.products.update(p.id, { stock: 3 })
    const order = await transaction(a.db, async (tx) => {
      const product = await tx.repository(a.products.model).getOrThrow(p.id)
      await tx.repository(a.products.model).update(p.id, { stock: product.stock - 2, sku: 'L-2' })
      return tx.repository(a.orders.model).create({ productId: p.id, qty: 2, buyer: 'ann' })
    })
    expect((await b.products.getOrThrow(p.id)).stock).toBe(1)
    expect((await b.orders.getOrThrow(order.id)).qty).toBe(2)
    expect((await b.products.findBy('sku', 'L-2'))?.id).toBe(p.id)
    expect(await b.products.findBy('sku', 'L-1')).toBeNull()
    expect((await b.orders.findAllBy('productId', p.id)).map((o) => o.id)).toEqual([order.id])
    expect(await b.orders.count()).toBe(1)
    // The old unique value is free again at once, the new one taken.
    await b.products.create(lamp({ sku: 'L-1' }))
    expect((await b.products.create(lamp({ sku: 'L-2' })).catch((e) => e)).code).toBe('model.unique')
  })

  it('db.transaction(fn, { retries }) is the same transaction: all or nothing, re-run after a conflict', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await a.products.create({ ...lamp(), stock: 2 })
    let runs = 0
    const order = await a.db.transaction(
      async (tx) => {
        runs++
        const product = await tx.repository(a.products.model).getOrThrow(p.id)
        if (runs === 1) await b.products.update(p.id, { stock: 1 }) // someone else buys one meanwhile
        await tx.repository(a.products.model).update(p.id, { stock: product.stock - 1 })
        return tx.repository(a.orders.model).create({ productId: p.id, qty: 1, buyer: 'ann' })
      },
      { retries: 2 },
    )
    expect(runs).toBe(2) // the first run's commit found the product changed: nothing written, run again
    expect((await b.products.getOrThrow(p.id)).stock).toBe(0)
    expect((await b.orders.findAllBy('productId', p.id)).map((o) => o.id)).toEqual([order.id])
    const refused = await a.db
      .transaction(async (tx) => {
        await tx.repository(a.products.model).update(p.id, { stock: 9 })
        throw new Error('no')
      })
      .catch((e: Error) => e.message)
    expect(refused).toBe('no')
    expect((await b.products.getOrThrow(p.id)).stock).toBe(0)
  })

  it('a thrown error aborts with nothing written (not a single request after the reads)', async () => {
    const { clients } = world()
    const a = clients[0] as ReturnType<typeof world>['clients'][0]
    const p = await a.products.create(lamp())
    a.store.reset()
    const oops = new Error('out of stock')
    const thrown = await transaction(a.db, async (tx) => {
      await tx.repository(a.products.model).update(p.id, { stock: 9 })
      await tx.repository(a.orders.model).create({ productId: p.id, qty: 1, buyer: 'x' })
      throw oops
    }).catch((e) => e)
    expect(thrown).toBe(oops)
    expect(a.store.counts()).toMatchObject({ get: 1, put: 0, delete: 0, deleteMany: 0 })
    expect((await a.products.getOrThrow(p.id)).stock).toBe(0)
    expect(await a.orders.count()).toBe(0)
  })

  it('a crash before the commit point leaves nothing visible to get, index, unique lookups or counts, and its unique value is free after the lease', async () => {
    const { clients, advance } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await b.products.create(lamp({ sku: 'OLD', category: 'home' }))
    a.crashAfter('put', RECORD_OBJECT) // dies once its first intent landed, before the commit
    const died = await transaction(a.db, async (tx) => {
      await tx.repository(a.products.model).update(p.id, { sku: 'NEW', category: 'garden' })
      await tx.repository(a.orders.model).create({ productId: p.id, qty: 1, buyer: 'x' })
    }).catch((e) => e)
    expect(died).toBeInstanceOf(Error)
    expect(outcomeOf(died)).toBe('failed')
    const seen = async () => ({
      sku: (await b.products.getOrThrow(p.id)).sku,
      garden: (await b.products.findAllBy('category', 'garden')).length,
      home: (await b.products.findAllBy('category', 'home')).map((r) => r.id),
      byNew: await b.products.findBy('sku', 'NEW'),
      byOld: (await b.products.findBy('sku', 'OLD'))?.id,
      orders: await b.orders.count(),
      products: await b.products.count(),
    })
    const expected = { sku: 'OLD', garden: 0, home: [p.id], byNew: null, byOld: p.id, orders: 0, products: 1 }
    expect(await seen()).toEqual(expected) // in flight: the committed value
    // While the intent is young a single write of the record is a conflict; its functional form waits.
    expect((await b.products.update(p.id, { price: 1 }).catch((e) => e)).code).toBe('model.conflict')
    advance(1_500) // past the lease: the next reader decides it aborted
    expect(await seen()).toEqual(expected)
    expect((await b.products.update(p.id, { price: 1 })).price).toBe(1)
    await b.products.create(lamp({ sku: 'NEW' })) // the dead transaction's claim is judged abandoned
  })

  it('a crash right after the commit point is rolled forward by the next reader: gets, lookups and counts see every write', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await b.products.create(lamp({ sku: 'OLD', category: 'home' }))
    a.crashAfter('put', TX_RECORD) // the commit landed, then the client died
    // It committed, so it succeeds: rolling forward is left to whoever meets the records next.
    const order = await transaction(a.db, async (tx) => {
      await tx.repository(a.products.model).update(p.id, { sku: 'NEW', category: 'garden' })
      return tx.repository(a.orders.model).create({ productId: p.id, qty: 1, buyer: 'x' })
    })
    const orderId = order.id
    // Counted before anything else read it: the count reads the create's placeholder (its size says
    // it may stand for a record) and rolls it forward: 1 LIST, 2 GETs (placeholder, transaction record), 1 PUT.
    b.store.reset()
    expect(await b.orders.count()).toBe(1)
    expect(b.store.counts()).toMatchObject({ list: 1, get: 2, put: 1, total: 4 })
    expect((await b.products.findAllBy('category', 'garden')).map((r) => r.id)).toEqual([p.id])
    expect((await b.products.findBy('sku', 'NEW'))?.id).toBe(p.id)
    expect(await b.products.findBy('sku', 'OLD')).toBeNull()
    expect((await b.orders.findAllBy('productId', p.id)).map((o) => o.id)).toEqual([orderId])
    expect((await b.orders.getOrThrow(orderId)).buyer).toBe('x')
    expect(await b.orders.count()).toBe(1) // rolled forward by the lookups above
    b.store.reset()
    await b.products.getOrThrow(p.id)
    expect(b.store.counts().total).toBe(1) // rolled forward: no more extra requests
  })

  it('nobody reading: verify() rolls a committed transaction forward, and cleanupTransactions() finishes its records and removes old transaction records', async () => {
    const { clients, advance, memory } = world(3)
    const [a, b, c] = clients as [
      ReturnType<typeof world>['clients'][0],
      ReturnType<typeof world>['clients'][0],
      ReturnType<typeof world>['clients'][0],
    ]
    const p = await b.products.create(lamp({ sku: 'OLD', category: 'home' }))
    a.crashAfter('put', TX_RECORD) // committed, then the client died before rolling forward
    const order = await transaction(a.db, async (tx) => {
      await tx.repository(a.products.model).update(p.id, { sku: 'NEW', category: 'garden' })
      return tx.repository(a.orders.model).create({ productId: p.id, qty: 1, buyer: 'x' })
    })
    const txRecords = async () => (await memory.list('s3verless-data/_tx/')).objects.length
    expect(await txRecords()).toBe(1)
    advance(2_000) // past the lease (1 s here): leftovers are judged, not in flight
    const report = await b.products.verify({ repair: true })
    expect(report.records).toBe(1)
    expect(report.staleClaims).toEqual(['s3verless-data/_unique/products/sku/sOLD']) // the old value's claim, released
    expect(await b.products.findBy('sku', 'OLD')).toBeNull()
    // Too young to clean up (under 10 × the lease): left alone.
    expect(await cleanupTransactions(b.db)).toEqual({ examined: 0, removed: 0, rolledForward: 0, kept: 0 })
    advance(10_000)
    // The order (a create's intent, a placeholder nobody read) is rolled forward by the cleanup.
    expect(await cleanupTransactions(b.db)).toEqual({ examined: 1, removed: 1, rolledForward: 1, kept: 0 })
    expect(await b.orders.count()).toBe(1)
    expect((await b.orders.getOrThrow(order.id)).buyer).toBe('x')
    expect(await txRecords()).toBe(0)
    // An aborted transaction's record goes too, once old: an intent that still named it would read as abandoned.
    c.crashAfter('put', RECORD_OBJECT) // dies after its first intent, before the commit
    await transaction(c.db, async (tx) => {
      await tx.repository(c.products.model).update(p.id, { name: 'Renamed' })
    }).catch(() => undefined)
    advance(2_000)
    expect((await b.products.getOrThrow(p.id)).sku).toBe('NEW') // decides it aborted, clears the intent
    expect(await txRecords()).toBe(1)
    advance(10_000)
    // Kept an hour (abortedOlderThanMs): it is what stops a late commit of a paused committer.
    expect(await cleanupTransactions(b.db)).toEqual({ examined: 0, removed: 0, rolledForward: 0, kept: 0 })
    advance(3_600_000)
    expect(await cleanupTransactions(b.db)).toEqual({ examined: 1, removed: 1, rolledForward: 0, kept: 0 })
    expect(await txRecords()).toBe(0)
  })

  it('a delete whose roll-forward failed stays where lookups lead: the next lookup finishes it, and count() agrees', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await b.products.create(lamp())
    const order = await b.orders.create({ productId: p.id, qty: 1, buyer: 'x' })
    // The order's intent lands; its roll-forward (the second PUT of its key) fails; the rest goes through.
    a.store.injectFault({ op: 'put', key: /\/orders\/[^/]*\.json$/, skip: 1, error: () => new Error('connection reset') })
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).delete(order.id)
    })
    // Committed: the order reads as deleted, and the lookup that meets its intent rolls it forward.
    expect(await b.orders.findAllBy('productId', p.id)).toEqual([])
    expect(await b.orders.count()).toBe(0)
    expect(await b.orders.get(order.id)).toBeNull()
  })

  it('a delete committed by a client that died before rolling it forward is not counted, by the first count already; its marker goes', async () => {
    const { clients, memory } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await b.products.create(lamp())
    const kept = await b.orders.create({ productId: p.id, qty: 1, buyer: 'x' })
    const gone = await b.orders.create({ productId: p.id, qty: 2, buyer: 'y' })
    a.crashAfter('put', TX_RECORD) // the commit landed, then the client died
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).delete(gone.id)
      await tx.repository(a.orders.model).update(kept.id, { qty: 5 })
    })
    const markers = async () => (await memory.list('s3verless-data/orders/')).objects.filter((o) => o.key.includes('.json.tx.')).length
    expect(await markers()).toBe(1) // beside the deleted order's intent
    // The first thing to look: a count. The marker tells it which record to read (1 GET of the
    // transaction record, 1 of the order, 1 PUT rolling it forward, 1 DELETE of the marker).
    b.store.reset()
    expect(await b.orders.count()).toBe(1)
    expect(b.store.counts()).toMatchObject({ list: 1, get: 3, put: 1, delete: 1 })
    expect(await markers()).toBe(0)
    expect(await b.orders.get(gone.id)).toBeNull()
    expect((await b.orders.getOrThrow(kept.id)).qty).toBe(5)
    expect((await b.orders.listByPrefix()).items.map((o) => o.id)).toEqual([kept.id])
    b.store.reset()
    expect(await b.orders.count()).toBe(1)
    expect(b.store.counts().total).toBe(1) // settled: LIST-only again
  })

  it('a delete in flight is counted (its record still is), and an abandoned one is decided aborted by the count that meets its marker', async () => {
    const { clients, advance, memory } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await b.products.create(lamp())
    const order = await b.orders.create({ productId: p.id, qty: 1, buyer: 'x' })
    a.crashAfter('put', RECORD_OBJECT) // its intent and marker land; it dies before the commit
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).delete(order.id)
    }).catch(() => undefined)
    const markers = async () => (await memory.list('s3verless-data/orders/')).objects.filter((o) => o.key.includes('.json.tx.')).length
    expect(await markers()).toBe(1)
    expect(await b.orders.count()).toBe(1) // in flight: the delete is not committed
    expect(await markers()).toBe(1) // (its intent may still be on its way: the marker stays)
    advance(1_500) // past the lease
    expect(await b.orders.count()).toBe(1) // decided aborted: the order stays, the marker goes
    expect(await markers()).toBe(0)
    expect((await b.orders.getOrThrow(order.id)).qty).toBe(1)
    expect(await b.orders.update(order.id, { qty: 2 })).toMatchObject({ qty: 2 })
  })

  it('an aborted create leaves no placeholder where DELETE is conditional (a tombstone elsewhere), found by the count or listing that meets it', async () => {
    const { clients, advance, memory } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    a.crashAfter('put', RECORD_OBJECT) // its placeholder lands; it dies before the commit
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).create({ productId: 'p', qty: 1, buyer: 'x' })
    }).catch(() => undefined)
    const objects = async () => (await memory.list('s3verless-data/orders/')).objects.map((o) => o.size)
    const [size] = await objects()
    expect(size).toBeGreaterThanOrEqual(90) // a placeholder: larger than any tombstone, smaller than any record
    expect(size).toBeLessThan(100)
    expect(await b.orders.count()).toBe(0) // in flight
    expect((await b.orders.listByPrefix()).items).toEqual([])
    advance(1_500)
    expect(await b.orders.count()).toBe(0) // decided aborted and cleared
    expect(await objects()).toEqual(conditionalDelete ? [] : [expect.any(Number)])
    if (!conditionalDelete) expect((await objects())[0]).toBeLessThan(90) // a tombstone, skipped unread from now on
    b.store.reset()
    expect(await b.orders.count()).toBe(0)
    expect(b.store.counts().total).toBe(1)
  })

  it('verify() (and so doctor) settles the delete marker of a decided transaction, as a count would', async () => {
    const { clients, memory } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const order = await b.orders.create({ productId: 'p', qty: 1, buyer: 'x' })
    a.crashAfter('put', TX_RECORD) // committed, then died before rolling forward
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).delete(order.id)
    })
    const markers = async () => (await memory.list('s3verless-data/orders/')).objects.filter((o) => o.key.includes('.json.tx.')).length
    // A reader rolls the delete forward, but its removal of the marker fails: the marker is left over.
    b.store.injectFault({ op: 'delete', key: /\.json\.tx\./, times: 1, error: () => new Error('connection reset') })
    expect(await b.orders.get(order.id)).toBeNull()
    expect(await markers()).toBe(1)
    const report = await b.orders.verify()
    expect(report.records).toBe(0)
    expect(await markers()).toBe(0)
    b.store.reset()
    expect(await b.orders.count()).toBe(0)
    expect(b.store.counts().total).toBe(1) // nothing left for a count to read
  })

  it('listings do not report delete markers as foreign objects', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const order = await b.orders.create({ productId: 'p', qty: 1, buyer: 'x' })
    a.crashAfter('put', RECORD_OBJECT)
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).delete(order.id)
    }).catch(() => undefined)
    const page = await b.orders.listByPrefix()
    expect(page.items.map((o) => o.id)).toEqual([order.id])
    expect(page.skipped).toEqual([])
    const skipped: unknown[] = []
    for await (const _ of b.orders.iterate({ onSkipped: (s) => skipped.push(s) })) {
      // (every record)
    }
    expect(skipped).toEqual([])
  })

  it('first committer wins: a transaction whose record changed meanwhile fails with model.conflict naming it; with retries it re-runs', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await a.products.create(lamp())
    let runs = 0
    const conflict = await transaction(a.db, async (tx) => {
      runs++
      const cur = await tx.repository(a.products.model).getOrThrow(p.id)
      await b.products.update(p.id, { stock: 10 }) // another writer gets there first
      await tx.repository(a.products.model).update(p.id, { stock: cur.stock + 1 })
    }).catch((e) => e)
    expect(conflict.code).toBe('model.conflict')
    expect(conflict.details).toMatchObject({ model: 'Product', id: p.id })
    expect(isOutcomeUnknown(conflict)).toBe(false)
    expect((await a.products.getOrThrow(p.id)).stock).toBe(10)
    runs = 0
    await transaction(
      a.db,
      async (tx) => {
        runs++
        const cur = await tx.repository(a.products.model).getOrThrow(p.id)
        if (runs === 1) await b.products.update(p.id, { stock: 20 })
        await tx.repository(a.products.model).update(p.id, { stock: cur.stock + 1 })
      },
      { retries: 2 },
    )
    expect(runs).toBe(2)
    expect((await a.products.getOrThrow(p.id)).stock).toBe(21)
  })

  it('validates what it only read: a transfer decided on a balance that changed before the commit fails', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const x = await a.accounts.create({ owner: 'x', branch: 'n', balance: 10 })
    const y = await a.accounts.create({ owner: 'y', branch: 'n', balance: 0 })
    const z = await a.accounts.create({ owner: 'z', branch: 'n', balance: 0 })
    const conflict = await transaction(a.db, async (tx) => {
      const accounts = tx.repository(a.accounts.model)
      const from = await accounts.getOrThrow(x.id) // read only: the rule "y gets 5 only while x has ≥ 10"
      if (from.balance >= 10) await accounts.update(y.id, { balance: 5 })
      await accounts.update(z.id, { balance: 1 })
      await b.accounts.update(x.id, { balance: 0 })
    }).catch((e) => e)
    expect(conflict.code).toBe('model.conflict')
    expect(conflict.details.id).toBe(x.id)
    expect((await a.accounts.getOrThrow(y.id)).balance).toBe(0)
    expect((await a.accounts.getOrThrow(z.id)).balance).toBe(0)
    // A transaction that only reads validates its reads too.
    const readOnly = await transaction(a.db, async (tx) => {
      await tx.repository(a.accounts.model).getOrThrow(y.id)
      await b.accounts.update(y.id, { balance: 3 })
    }).catch((e) => e)
    expect(readOnly.code).toBe('model.conflict')
  })

  it('a unique value claimed by a transaction that aborts on a conflict is released at once', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await a.products.create(lamp({ sku: 'A' }))
    const conflict = await transaction(a.db, async (tx) => {
      await tx.repository(a.products.model).getOrThrow(p.id)
      await tx.repository(a.products.model).create(lamp({ sku: 'WANTED' }))
      await tx.repository(a.products.model).update(p.id, { price: 1 })
      await b.products.update(p.id, { price: 2 })
    }).catch((e) => e)
    expect(conflict.code).toBe('model.conflict')
    expect((await b.products.create(lamp({ sku: 'WANTED' }))).sku).toBe('WANTED')
    expect(await b.products.count()).toBe(2)
  })

  it('a unique value taken meanwhile fails the transaction with model.unique and nothing written', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const p = await a.products.create(lamp({ sku: 'A' }))
    const taken = await transaction(a.db, async (tx) => {
      await tx.repository(a.products.model).update(p.id, { price: 7 })
      await tx.repository(a.products.model).create(lamp({ sku: 'B' }))
      await b.products.create(lamp({ sku: 'B' }))
    }).catch((e) => e)
    expect(taken.code).toBe('model.unique')
    expect(outcomeOf(taken)).toBe('failed')
    expect((await b.products.getOrThrow(p.id)).price).toBe(30)
    expect(await b.products.count()).toBe(2)
    expect((await b.products.update(p.id, { price: 8 })).price).toBe(8) // no intent left behind
  })

  it('deletes inside a transaction: the record and its lookups go at the commit, and its id can be created again', async () => {
    const { clients } = world()
    const [a, b] = clients as [ReturnType<typeof world>['clients'][0], ReturnType<typeof world>['clients'][0]]
    const x = await a.accounts.create({ owner: 'x', branch: 'n', balance: 4 })
    const y = await a.accounts.create({ owner: 'y', branch: 'n', balance: 1 })
    await transaction(a.db, async (tx) => {
      const accounts = tx.repository(a.accounts.model)
      const from = await accounts.getOrThrow(x.id)
      const to = await accounts.getOrThrow(y.id)
      await accounts.update(y.id, { balance: to.balance + from.balance })
      expect(await accounts.delete(x.id)).toBe(true)
      expect(await accounts.get(x.id)).toBeNull() // reads see the transaction's own writes
    })
    expect(await b.accounts.get(x.id)).toBeNull()
    expect(await b.accounts.findBy('owner', 'x')).toBeNull()
    expect((await b.accounts.findAllBy('branch', 'n')).map((r) => r.id)).toEqual([y.id])
    expect(await b.accounts.count()).toBe(1)
    expect((await b.accounts.getOrThrow(y.id)).balance).toBe(5)
    await b.accounts.create({ owner: 'x', branch: 'n', balance: 0 })
  })

  it(`refuses more than ${MAX_TRANSACTION_RECORDS} records with transaction.tooLarge before writing anything`, async () => {
    const { clients } = world()
    const a = clients[0] as ReturnType<typeof world>['clients'][0]
    a.store.reset()
    const big = await transaction(a.db, async (tx) => {
      for (let i = 0; i <= MAX_TRANSACTION_RECORDS; i++)
        await tx.repository(a.orders.model).create({ productId: 'p', qty: 1, buyer: `${i}` })
    }).catch((e) => e)
    expect(big.code).toBe('transaction.tooLarge')
    expect(big.message).toContain(`at most ${MAX_TRANSACTION_RECORDS} records`)
    expect(a.store.counts().put).toBe(0)
  })
})
