import * as z from 'zod'
import {
  createDatabase,
  defineModel,
  InjectedFault,
  type InstrumentedStore,
  instrumentStore,
  memoryStore,
  type ObjectStore,
  type StoreOp,
} from '../../src/index.js'
import { Product } from './fixtures.js'
import { type Listener, tapped } from './race-fixtures.js'

/** A bank account: `owner` unique, `branch` indexed, `balance` never negative. */
export const Account = defineModel(z.object({ owner: z.string(), branch: z.string(), balance: z.number().int().nonnegative() }), {
  name: 'Account',
  unique: ['owner'],
  indexed: ['branch'],
})

/** An order of a product (indexed by product). */
export const Order = defineModel(z.object({ productId: z.string(), qty: z.number().int().positive(), buyer: z.string() }), {
  name: 'Order',
  indexed: ['productId'],
})

export const MODELS = [Product, Account, Order]

/** One client (process) of a shared bucket, with its own database and the means to make it die after a request. */
export function txClient(shared: ObjectStore, options: { leaseMs?: number } = {}) {
  const listeners = new Set<Listener>()
  const store: InstrumentedStore = instrumentStore(
    tapped(shared, (op, key) => {
      for (const l of listeners) l(op, key)
    }),
  )
  const db = createDatabase({ store, models: MODELS, ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}) })
  /** Once the store performed this client's first `op` on a key matching `key`, every later request of the client fails. */
  const crashAfter = (op: StoreOp, key: RegExp) => {
    const listener: Listener = (o, k) => {
      if (o !== op || !key.test(k)) return
      listeners.delete(listener)
      store.injectFault({ times: Number.POSITIVE_INFINITY, error: () => new InjectedFault(op, 'the client died') })
    }
    listeners.add(listener)
  }
  return { store, db, products: db.repository(Product), accounts: db.repository(Account), orders: db.repository(Order), crashAfter }
}

/** A memory bucket with a clock the test moves (`advance`), and `n` clients of it. */
export function txWorld(n: number, options: { leaseMs?: number; conditionalDelete?: boolean } = {}) {
  let clock = Date.parse('2026-01-01T00:00:00Z')
  const memory = memoryStore({ now: () => clock, conditionalDelete: options.conditionalDelete ?? true })
  const clients = Array.from({ length: n }, () => txClient(memory, { leaseMs: options.leaseMs ?? 1_000 }))
  return {
    memory,
    clients,
    advance: (ms: number) => {
      clock += ms
    },
  }
}

/** The record objects and transaction records a transaction writes: aims for faults. */
export const TX_RECORD = /_tx\//
