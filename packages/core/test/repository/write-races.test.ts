import { describe, expect, it } from 'vitest'
import { isS3verlessError, type Repository } from '../../src/index.js'
import { lamp, type Product } from './fixtures.js'
import { allRecords, CLAIM, ENTRY, invariantViolations, memoryClients, RECORD, sleep, unavailable } from './race-fixtures.js'

// Issue 8, "What breaks today", findings 1–7: each test drives one interleaving deterministically
// (injected stalls and faults, one instrumented view of the bucket per client) and then checks what a
// user would notice: the public API and verify(), never the key layout.

const LEASE = 200
const PAUSE = 300

describe('1. two updates of one record that set the same value', () => {
  type Patch = { category?: string; sku?: string }
  const forms = {
    'update(id, patch)': (products: Repository<typeof Product>, id: string, patch: Patch) => products.update(id, patch),
    'update(id, fn)': (products: Repository<typeof Product>, id: string, patch: Patch) => products.update(id, () => patch),
  }

  for (const patch of [{ category: 'new' }, { sku: 'S-1' }]) {
    for (const [form, update] of Object.entries(forms)) {
      it(`${form} ${JSON.stringify(patch)} twice at once: the winner's record keeps its entries and claims`, async () => {
        const { clients } = memoryClients(1)
        const { products, store } = clients[0]!
        const a = await products.create(lamp({ sku: 'S-0', category: 'old' }))
        store.setLatency(5) // both read the record before either writes it
        const run = () =>
          update(products, a.id, patch).then(
            () => 'ok',
            (e: unknown) => (isS3verlessError(e) ? e.code : e),
          )
        const outcomes = await Promise.all([run(), run()])
        store.setLatency(0)
        expect(outcomes).toContain('ok')
        for (const o of outcomes) expect(['ok', 'model.conflict']).toContain(o)
        expect(await products.getOrThrow(a.id)).toMatchObject(patch)
        expect(await invariantViolations(products, { mustExist: [a.id] })).toEqual([])
      })
    }
  }
})

describe('2. late cleanup after an update', () => {
  it('update X→Y is slow to clean up while update Y→X lands: the record keeps X, found by findBy and findAllBy', async () => {
    const {
      clients: [slow, other],
    } = memoryClients(2)
    const a = await slow!.products.create(lamp({ sku: 'X', category: 'x' }))
    // The slow client stalls right after its record write, before removing the old entry and claim.
    const pause = slow!.pauseAfter('put', RECORD, PAUSE)
    const first = slow!.products.update(a.id, { sku: 'Y', category: 'y' })
    await pause.landed
    await other!.products.update(a.id, { sku: 'X', category: 'x' })
    await first
    expect(await other!.products.getOrThrow(a.id)).toMatchObject({ sku: 'X', category: 'x' })
    expect(await invariantViolations(other!.products, { mustExist: [a.id] })).toEqual([])
  })
})

describe('3. a self-healing delete of an entry judged dangling races an update that needs it again', () => {
  /** Record a holds category y; its old entry for x was left behind by a cleanup that failed, and is older than the lease. */
  async function withDanglingEntry() {
    const { clients } = memoryClients(3, { leaseMs: LEASE })
    const [writer] = clients
    const a = await writer!.products.create(lamp({ sku: 'A', category: 'x' }))
    writer!.store.injectFault({ op: ['delete', 'deleteMany'], key: ENTRY, error: () => unavailable() })
    await writer!.products.update(a.id, { category: 'y' })
    writer!.store.clearFaults()
    await sleep(LEASE + 50)
    return { clients, a }
  }

  it('a reader (findAllBy) deletes the entry after an update moved the record back to that value', async () => {
    const {
      clients: [writer, reader],
      a,
    } = await withDanglingEntry()
    // The reader judges the entry dangling (it reads the record: y), then stalls before deleting it.
    const pause = reader!.pauseAfter('get', RECORD, PAUSE)
    const reading = reader!.products.findAllBy('category', 'x')
    await pause.landed
    await writer!.products.update(a.id, { category: 'x' })
    expect(await reading).toEqual([])
    expect(await invariantViolations(writer!.products, { mustExist: [a.id] })).toEqual([])
  })

  it('verify({ repair: true }) deletes the entry after an update moved the record back to that value', async () => {
    const {
      clients: [writer, verifier],
      a,
    } = await withDanglingEntry()
    // The verifier judges the entries (its index LIST), then stalls before repairing.
    const pause = verifier!.pauseAfter('list', ENTRY, PAUSE)
    const verifying = verifier!.products.verify({ repair: true })
    await pause.landed
    await writer!.products.update(a.id, { category: 'x' })
    await verifying
    expect(await invariantViolations(writer!.products, { mustExist: [a.id] })).toEqual([])
  })
})

describe('4. verify({ repair: true }) and a claim taken over after its judgement', () => {
  it('does not release the claim a new record took over while verify was judging it stale', async () => {
    const {
      clients: [old, verifier, newcomer],
    } = memoryClients(3, { leaseMs: LEASE })
    const a = await old!.products.create(lamp({ sku: 'K1' }))
    // a moves to K2 and its client dies right after the record write: the claim on K1 is left behind.
    old!.crashAfter('put', RECORD)
    await old!.products.update(a.id, { sku: 'K2' }).catch(() => undefined)
    await sleep(LEASE + 50)
    // The verifier reads the claim on K1 (stale: a holds K2, older than the lease), then stalls.
    const pause = verifier!.pauseAfter('get', CLAIM, PAUSE)
    const verifying = verifier!.products.verify({ repair: true })
    await pause.landed
    const b = await newcomer!.products.create(lamp({ sku: 'K1', name: 'b' }))
    await verifying
    expect((await newcomer!.products.findBy('sku', 'K1'))?.id).toBe(b.id)
    expect(await invariantViolations(newcomer!.products, { mustExist: [a.id, b.id] })).toEqual([])
  })
})

describe('5. the lease gap: a claim ~1.5 leases old when its record lands', () => {
  it('a slow create and a create that takes its claim over never both hold one unique value', async () => {
    const lease = 500
    const {
      clients: [slow, fast],
    } = memoryClients(2, { leaseMs: lease })
    await fast!.products.indexStatus() // the index catalog exists before the stalls start
    // Claims land at once; entries after 0.4 lease (< half: no renewal); the record PUT waits 0.8 lease
    // (< a lease: no re-check), so the record lands 1.2 leases after its claim.
    slow!.store.injectFault({ op: 'put', key: ENTRY, delayMs: 0.4 * lease, times: Number.POSITIVE_INFINITY })
    slow!.store.injectFault({ op: 'put', key: RECORD, delayMs: 0.8 * lease })
    const slowCreate = slow!.products.create(lamp({ sku: 'X', name: 'slow' })).catch((e: unknown) => e)
    // After 1.1 leases the claim looks abandoned: older than the lease, its record does not exist yet.
    await sleep(1.1 * lease)
    const fastCreate = await fast!.products.create(lamp({ sku: 'X', name: 'fast' })).catch((e: unknown) => e)
    const slowResult = await slowCreate
    const acknowledged = [slowResult, fastCreate].filter((r): r is { id: string } => !isS3verlessError(r)).map((r) => r.id)
    expect(acknowledged.length).toBeGreaterThan(0)
    expect(await invariantViolations(fast!.products, { mustExist: acknowledged })).toEqual([])
  })

  it('a reader that deletes a slow create’s entry as dangling (older than the lease, no record yet) does not leave the record unfindable', async () => {
    const {
      clients: [slow, reader],
    } = memoryClients(2, { leaseMs: LEASE })
    await reader!.products.indexStatus()
    // Entries and claim land at once; the record only 1.5 leases later.
    slow!.store.injectFault({ op: 'put', key: RECORD, delayMs: 1.5 * LEASE })
    const slowCreate = slow!.products.create(lamp({ sku: 'E', category: 'late' }))
    await sleep(1.2 * LEASE)
    expect(await reader!.products.findAllBy('category', 'late')).toEqual([]) // self-heals the entry it judged dangling
    const created = await slowCreate
    expect(await invariantViolations(reader!.products, { mustExist: [created.id] })).toEqual([])
  })

  it('the same, when the slow create’s first attempt to put an entry back after its record landed fails', async () => {
    const {
      clients: [slow, reader],
    } = memoryClients(2, { leaseMs: LEASE })
    await reader!.products.indexStatus()
    slow!.store.injectFault({ op: 'put', key: RECORD, delayMs: 1.5 * LEASE })
    // One transient failure: the first entry PUT after the record landed.
    slow!.faultAfter('put', RECORD, { op: 'put', key: ENTRY, error: () => unavailable('injected: request failed') })
    const slowCreate = slow!.products.create(lamp({ sku: 'F', category: 'late' })).catch((e: unknown) => e)
    await sleep(1.2 * LEASE)
    expect(await reader!.products.findAllBy('category', 'late')).toEqual([])
    const result = await slowCreate
    const stored = (await allRecords(reader!.products)).filter((p) => p.sku === 'F')
    if (!isS3verlessError(result)) expect(stored.map((p) => p.id)).toEqual([(result as { id: string }).id]) // acknowledged: kept
    expect(await invariantViolations(reader!.products)).toEqual([])
  })
})

describe('6. an unknown outcome (lost answer, failed re-read) is not treated as a failure', () => {
  it('create: the record landed, its answer and the re-read were lost; it stays findable', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    const { products, store } = c!
    await products.indexStatus()
    store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    store.injectFault({ op: 'get', key: RECORD, error: () => unavailable('injected: outage'), times: Number.POSITIVE_INFINITY })
    const result = await products.create(lamp({ sku: 'U-1', category: 'lost' })).catch((e: unknown) => e)
    store.clearFaults()
    if (isS3verlessError(result)) expect(result.code).toMatch(/^store\./) // may throw: the outcome was unknown
    const stored = (await allRecords(products)).find((p) => p.sku === 'U-1')
    expect(stored).toBeDefined() // the write landed
    expect(await invariantViolations(products, { mustExist: [stored!.id] })).toEqual([])
  })

  it('update: the new version landed, its answer and the re-read were lost; it stays findable', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    const { products, store } = c!
    const a = await products.create(lamp({ sku: 'U-1', category: 'before' }))
    store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    store.injectFault({ op: 'get', key: RECORD, skip: 1, error: () => unavailable('injected: outage'), times: Number.POSITIVE_INFINITY })
    const result = await products.update(a.id, { sku: 'U-2', category: 'after' }).catch((e: unknown) => e)
    store.clearFaults()
    if (isS3verlessError(result)) expect(result.code).toMatch(/^store\./)
    expect(await products.getOrThrow(a.id)).toMatchObject({ sku: 'U-2', category: 'after' }) // the write landed
    expect(await invariantViolations(products, { mustExist: [a.id] })).toEqual([])
  })

  it('update: the new version landed, its answer was lost, and another update built on it before the re-read; it stays findable', async () => {
    const {
      clients: [lost, next],
    } = memoryClients(2)
    const a = await lost!.products.create(lamp({ sku: 'U-1', category: 'before' }))
    lost!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    const pause = lost!.pauseAfter('put', RECORD, PAUSE) // its re-read comes late
    const first = lost!.products.update(a.id, { sku: 'U-2', category: 'after' }).catch((e: unknown) => e)
    await pause.landed
    // A second update reads the landed version, keeps its sku and category, and replaces it.
    await next!.products.update(a.id, { name: 'renamed' })
    await first // whatever it answers: its version did land and the current one builds on it
    expect(await next!.products.getOrThrow(a.id)).toMatchObject({ sku: 'U-2', category: 'after', name: 'renamed' })
    expect(await invariantViolations(next!.products, { mustExist: [a.id] })).toEqual([])
  })

  it('create: the record landed, its answer was lost, and another client updated it before the re-read; it stays findable', async () => {
    const {
      clients: [lost, next],
    } = memoryClients(2)
    await next!.products.indexStatus()
    lost!.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => unavailable() })
    const pause = lost!.pauseAfter('put', RECORD, PAUSE)
    const first = lost!.products.create(lamp({ sku: 'U-3', category: 'listed' })).catch((e: unknown) => e)
    await pause.landed
    const [landed] = (await next!.products.listByPrefix()).items
    await next!.products.update(landed!.id, { name: 'renamed' })
    await first
    expect(await invariantViolations(next!.products, { mustExist: [landed!.id] })).toEqual([])
  })
})

describe('7. createMany that throws leaves nothing behind', () => {
  it('60 inputs, the first a duplicate: no new record exists once it has thrown, even a while later', async () => {
    const {
      clients: [c],
    } = memoryClients(1)
    const { products, store } = c!
    const existing = await products.create(lamp({ sku: 'DUP' }))
    const inputs = [lamp({ sku: 'DUP' }), ...Array.from({ length: 59 }, (_, i) => lamp({ sku: `M-${i}` }))]
    store.setLatency(5)
    const error = await products.createMany(inputs).catch((e: unknown) => e)
    expect(isS3verlessError(error, 'model.unique')).toBe(true)
    await sleep(1_000)
    store.setLatency(0)
    expect((await products.listByPrefix({ limit: 1000 })).items.map((p) => p.id)).toEqual([existing.id])
    expect(await invariantViolations(products, { mustExist: [existing.id] })).toEqual([])
  })
})
