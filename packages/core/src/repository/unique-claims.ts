import { isS3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { UniqueConstraintError } from '../model/model-errors.js'
import { encodeValue, type IndexValue } from '../model/value-encoding.js'
import { fromUtf8 } from '../store/bytes.js'
import type { ObjectStore, StoredObject } from '../store/types.js'
import type { KeyLayout } from './key-layout.js'

/** What a repository needs to manage its unique claims. */
export interface ClaimContext {
  store: ObjectStore
  layout: KeyLayout
  model: Model
  /** How old a claim must be (by the store's clock) before a claim whose record does not hold the value counts as abandoned. */
  leaseMs: number
  /** Reads the record a claim names and says whether it still holds `field = value`. */
  holderHolds(id: string, field: string, encoded: string): Promise<boolean>
}

/** A unique claim: `{ "id": … }` names its holder; `{ "released": true }` is a free claim left behind. */
interface ClaimBody {
  id?: string
  released?: boolean
}

const isPrecondition = (e: unknown) => isS3verlessError(e, 'store.preconditionFailed')
const isConflict = (e: unknown) => isS3verlessError(e, 'store.conflict') || isS3verlessError(e, 'store.unavailable')

function parseClaim(object: StoredObject): ClaimBody {
  try {
    const body = JSON.parse(fromUtf8(object.body)) as ClaimBody
    return typeof body === 'object' && body !== null ? body : {}
  } catch {
    return {}
  }
}

const claimBody = (id: string) => JSON.stringify({ id })
const RELEASED = JSON.stringify({ released: true })

/**
 * Claims `field = value` for record `id` and returns the claim's etag. Create-if-absent; when a claim
 * exists it is taken over (compare-and-swap on its etag) only if it was released, or its holder no
 * longer holds the value AND the claim is older than the lease by the store's clock (a younger one
 * may belong to a write in flight).
 * @throws UniqueConstraintError naming the field and value.
 */
export async function claimUnique(ctx: ClaimContext, field: string, value: IndexValue, id: string): Promise<string> {
  const encoded = encodeValue(value)
  const key = ctx.layout.claimKey(field, encoded)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return (await ctx.store.put(key, claimBody(id), { ifNoneMatch: '*' })).etag
    } catch (error) {
      if (!isPrecondition(error) && !isConflict(error)) throw error
    }
    const existing = await ctx.store.get(key)
    if (!existing) continue
    const body = parseClaim(existing)
    if (body.id === id) return existing.etag
    if (!body.released) {
      if (body.id && (await ctx.holderHolds(body.id, field, encoded))) throw new UniqueConstraintError(ctx.model.name, field, value)
      const age = existing.serverTime.getTime() - existing.lastModified.getTime()
      if (age < ctx.leaseMs) throw new UniqueConstraintError(ctx.model.name, field, value, { inFlight: true })
    }
    try {
      return (await ctx.store.put(key, claimBody(id), { ifMatch: existing.etag })).etag
    } catch (error) {
      if (isConflict(error)) {
        const now = await ctx.store.get(key)
        if (now && parseClaim(now).id === id) return now.etag
        continue
      }
      if (!isPrecondition(error)) throw error
    }
  }
  throw new UniqueConstraintError(ctx.model.name, field, value, { inFlight: true })
}

/**
 * Gives a claim up, only if it is still the version we hold (`etag`): deleted where the store deletes
 * conditionally, otherwise overwritten with a released marker. A claim someone else has since taken
 * over is left alone. With no known etag the claim is read first and released only if it names `id`.
 */
export async function releaseUnique(
  ctx: ClaimContext,
  field: string,
  value: IndexValue,
  id: string,
  etag: string | undefined,
): Promise<void> {
  const key = ctx.layout.claimKey(field, encodeValue(value))
  let version = etag
  if (version === undefined) {
    const current = await ctx.store.get(key)
    if (!current || parseClaim(current).id !== id) return
    version = current.etag
  }
  try {
    if (ctx.store.capabilities.conditionalDelete) await ctx.store.delete(key, { ifMatch: version })
    else await ctx.store.put(key, RELEASED, { ifMatch: version })
  } catch (error) {
    if (!isPrecondition(error) && !isConflict(error)) throw error
  }
}

/**
 * Renews a claim we hold (rewrites it under compare-and-swap), restarting its lease; returns the new etag.
 * @throws UniqueConstraintError when the claim was taken over meanwhile.
 */
export async function renewUnique(ctx: ClaimContext, field: string, value: IndexValue, id: string, etag: string): Promise<string> {
  const key = ctx.layout.claimKey(field, encodeValue(value))
  try {
    return (await ctx.store.put(key, claimBody(id), { ifMatch: etag })).etag
  } catch (error) {
    if (isConflict(error)) {
      const now = await ctx.store.get(key)
      if (now && parseClaim(now).id === id) return now.etag
    } else if (!isPrecondition(error)) throw error
    throw new UniqueConstraintError(ctx.model.name, field, value, { details: { lostClaim: true } })
  }
}

/** True when the claim for `field = value` currently names `id`. */
export async function holdsClaim(ctx: ClaimContext, field: string, value: IndexValue, id: string): Promise<boolean> {
  const current = await ctx.store.get(ctx.layout.claimKey(field, encodeValue(value)))
  return current !== null && parseClaim(current).id === id
}

/** The record id a claim names, or null when there is no claim or it was released. */
export async function claimHolder(ctx: ClaimContext, field: string, value: IndexValue): Promise<string | null> {
  const current = await ctx.store.get(ctx.layout.claimKey(field, encodeValue(value)))
  if (!current) return null
  const body = parseClaim(current)
  return body.released ? null : (body.id ?? null)
}

export { parseClaim }
