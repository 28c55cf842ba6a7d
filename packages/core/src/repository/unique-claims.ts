import { isS3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { ConflictError, UniqueConstraintError } from '../model/model-errors.js'
import { encodeValue, type IndexValue } from '../model/value-encoding.js'
import { fromUtf8 } from '../store/bytes.js'
import type { ObjectStore, StoredObject } from '../store/types.js'
import type { KeyLayout } from './key-layout.js'
import type { ClaimRef } from './record-codec.js'

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

/**
 * A unique claim's body. `{ id, w, n? }`: held for record `id` by the write whose token is `w` (`n`
 * makes a renewal a new version); `{ released: true }`: free, left behind where a store cannot
 * delete conditionally. Claims written before tokens existed have only `id`.
 */
interface ClaimBody {
  id?: string
  w?: string
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

const claimBody = (id: string, w: string, renewal?: string) => JSON.stringify(renewal ? { id, w, n: renewal } : { id, w })
const RELEASED = JSON.stringify({ released: true })
const ageOf = (object: StoredObject) => object.serverTime.getTime() - object.lastModified.getTime()

/** A put whose answer was lost may have landed: it did when the claim now carries our token. */
async function putClaim(ctx: ClaimContext, key: string, body: string, w: string, condition: { ifMatch: string } | { ifNoneMatch: '*' }) {
  try {
    return (await ctx.store.put(key, body, condition)).etag
  } catch (error) {
    if (!isConflict(error)) throw error
    const now = await ctx.store.get(key)
    if (now && parseClaim(now).w === w && now.body.length === body.length && fromUtf8(now.body) === body) return now.etag
    throw error
  }
}

/**
 * Claims `field = value` for record `id` on behalf of the write whose token is `w`, and returns the
 * claim's etag: a version of the claim that only this write made, so no other write's rollback or
 * cleanup can release it. Create-if-absent; an existing claim is taken over (compare-and-swap on the
 * etag it was judged by) only if it was released, or its holder no longer holds the value AND the
 * claim is older than the lease by the store's clock (a younger one may belong to a write in flight).
 * A claim is never shared, not even between two writes of one record; but a claim of this record
 * made by the write `superseded` (which the record's current version says it is releasing: that
 * write landed and was replaced) is free to take.
 * @throws UniqueConstraintError naming the field and value (`inFlight` when a young claim blocks it);
 *   ConflictError when another write of the same record holds the claim (that record is changing).
 */
export async function claimUnique(
  ctx: ClaimContext,
  field: string,
  value: IndexValue,
  id: string,
  w: string,
  superseded?: string,
): Promise<string> {
  const encoded = encodeValue(value)
  const key = ctx.layout.claimKey(field, encoded)
  const mine = claimBody(id, w)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await putClaim(ctx, key, mine, w, { ifNoneMatch: '*' })
    } catch (error) {
      if (!isPrecondition(error) && !isConflict(error)) throw error
    }
    const existing = await ctx.store.get(key)
    if (!existing) continue
    const body = parseClaim(existing)
    if (body.w === w && body.id === id) return existing.etag
    if (!body.released && !(superseded !== undefined && body.id === id && body.w === superseded)) {
      const holds = body.id !== undefined && (await ctx.holderHolds(body.id, field, encoded))
      const young = ageOf(existing) < ctx.leaseMs
      if (body.id === id && (holds || young)) {
        throw new ConflictError(ctx.model.name, id, {
          message: `${ctx.model.name} ${id} is being changed by another write (which also sets ${field}); re-read it and try again`,
          details: { field },
        })
      }
      if (holds) throw new UniqueConstraintError(ctx.model.name, field, value)
      if (young) throw new UniqueConstraintError(ctx.model.name, field, value, { inFlight: true })
    }
    try {
      return await putClaim(ctx, key, mine, w, { ifMatch: existing.etag })
    } catch (error) {
      if (!isPrecondition(error) && !isConflict(error)) throw error
    }
  }
  throw new UniqueConstraintError(ctx.model.name, field, value, { inFlight: true })
}

/**
 * Gives a claim up, only if it is still the version this record's write made: compare-and-swap on
 * the remembered etag (deleted where the store deletes conditionally, otherwise overwritten with a
 * released marker). When that version has changed, the claim is read: it is released only if it is
 * still the same write's (renewed since: same `w`), or, for a claim remembered without a token,
 * if it names `id` and is older than the lease. Anything else (another write's claim) is left alone.
 */
export async function releaseUnique(
  ctx: ClaimContext,
  field: string,
  value: IndexValue,
  id: string,
  ref: ClaimRef | undefined,
): Promise<void> {
  const key = ctx.layout.claimKey(field, encodeValue(value))
  if (ref !== undefined && (await releaseVersion(ctx, key, ref.e))) return
  const current = await ctx.store.get(key)
  if (!current) return
  const body = parseClaim(current)
  if (body.released || body.id !== id) return
  const ours = ref?.w !== undefined ? body.w === ref.w : ageOf(current) >= ctx.leaseMs
  if (ours) await releaseVersion(ctx, key, current.etag)
}

/** Releases the claim at `key` if its etag is still `etag`; false when it was not. */
async function releaseVersion(ctx: ClaimContext, key: string, etag: string): Promise<boolean> {
  try {
    if (ctx.store.capabilities.conditionalDelete) await ctx.store.delete(key, { ifMatch: etag })
    else await ctx.store.put(key, RELEASED, { ifMatch: etag })
    return true
  } catch (error) {
    if (isPrecondition(error) || isConflict(error)) return false
    throw error
  }
}

/**
 * Renews a claim this write holds: rewrites it under compare-and-swap as a new version, restarting
 * its lease, so a taker that judged the old version abandoned fails its own compare-and-swap.
 * A failed or unanswered request is settled by reading the claim: still this write's (the version we
 * knew, or one it renewed since) → try again from there; our new version → done; anything else →
 * taken over. Returns the new etag.
 * @throws UniqueConstraintError (`lostClaim`) when it was taken over meanwhile; the store's error
 *   when it keeps failing.
 */
export async function renewUnique(
  ctx: ClaimContext,
  field: string,
  value: IndexValue,
  id: string,
  w: string,
  known: string,
): Promise<string> {
  let etag = known
  const key = ctx.layout.claimKey(field, encodeValue(value))
  const body = claimBody(id, w, Math.random().toString(36).slice(2, 10))
  let failure: unknown
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return (await ctx.store.put(key, body, { ifMatch: etag })).etag
    } catch (error) {
      if (!isPrecondition(error) && !isConflict(error)) throw error
      failure = error
    }
    const now = await ctx.store.get(key).catch(() => undefined)
    if (now === undefined) continue // could not look: try again
    if (now && fromUtf8(now.body) === body) return now.etag // it landed (a lost answer, or a retry below us)
    const held = now ? parseClaim(now) : undefined
    if (now && held?.id === id && held.w === w)
      etag = now.etag // still this write's claim, renewed since: go on from there
    else throw new UniqueConstraintError(ctx.model.name, field, value, { details: { lostClaim: true } })
  }
  throw failure
}

/** The record id a claim names, or null when there is no claim or it was released. */
export async function claimHolder(ctx: ClaimContext, field: string, value: IndexValue): Promise<string | null> {
  const current = await ctx.store.get(ctx.layout.claimKey(field, encodeValue(value)))
  if (!current) return null
  const body = parseClaim(current)
  return body.released ? null : (body.id ?? null)
}

/** Releases a claim judged stale by its etag at judgement time (never a version made since). */
export const releaseJudged = (ctx: ClaimContext, key: string, etag: string): Promise<boolean> => releaseVersion(ctx, key, etag)

export { parseClaim }
