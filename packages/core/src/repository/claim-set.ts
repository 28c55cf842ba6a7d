import { isS3verlessError } from '../errors.js'
import { backoffDelay } from '../store/retry.js'
import { allOrFirstError, sleep } from './concurrency.js'
import { fieldValue } from './index-entries.js'
import type { ClaimRef, RecordMeta } from './record-codec.js'
import type { RepoCore } from './repo-core.js'
import { claimUnique, releaseUnique, renewUnique } from './unique-claims.js'

type Rec = Record<string, unknown> & { id: string }

/** The unique fields of `record` that hold a value (nulls are not claimed). */
export const claimedFields = (core: RepoCore, record: Rec, fields: readonly string[] = core.model.unique): string[] =>
  fields.filter((f) => fieldValue(record, f) !== null)

/** How a record's bookkeeping remembers its claim on `field` (older records kept only the etag). */
export function claimRef(meta: RecordMeta, field: string): ClaimRef | undefined {
  const ref = meta.claims?.[field]
  return typeof ref === 'string' ? { e: ref } : ref
}

/**
 * Claims each field for the write whose token is `w` and returns field → etag. All are claimed in
 * parallel first. When some are blocked only by claims of writes still in flight, two writers could
 * each hold what the other waits for (two registrations of the same username and email: each gets
 * one value and neither succeeds), so the write falls back to claiming in one canonical order (by
 * field name): it keeps the claims before the first blocked field, gives up those after it, and
 * claims the rest one by one, waiting a little (a quarter of the lease, at most 2 s) for each
 * in-flight claim to land or be released before judging the value taken. So of writers racing for
 * the same values, one wins. If any claim fails for good, the ones this write made (all versions
 * only it made) are released and the error rethrown.
 */
export async function claimAll(
  core: RepoCore,
  record: Rec,
  fields: readonly string[],
  w: string,
  superseded: Readonly<Record<string, string>> = {},
): Promise<Record<string, string>> {
  const claim = (f: string) => claimUnique(core.claims, f, fieldValue(record, f), record.id, w, superseded[f])
  const settled = await Promise.allSettled(fields.map(claim))
  const etags: Record<string, string> = {}
  const failed = new Map<string, unknown>()
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') etags[fields[i] as string] = s.value
    else failed.set(fields[i] as string, s.reason)
  })
  if (failed.size === 0) return etags
  const giveUp = async (error: unknown): Promise<never> => {
    await releaseAll(core, record, refsOf(etags, w)).catch(() => undefined)
    throw error
  }
  const definite = [...failed.values()].find((e) => !isInFlight(e))
  if (definite !== undefined) return giveUp(definite)
  const order = [...fields].sort()
  const from = order.findIndex((f) => failed.has(f))
  const later = order.slice(from).filter((f) => etags[f] !== undefined)
  await releaseAll(core, record, refsOf(Object.fromEntries(later.map((f) => [f, etags[f] as string])), w)).catch(() => undefined)
  for (const f of later) delete etags[f]
  const deadline = performance.now() + Math.min(core.settings.leaseMs / 4, 2000)
  for (const f of order.slice(from)) {
    for (let attempt = 0; ; attempt++) {
      try {
        etags[f] = await claim(f)
        break
      } catch (error) {
        if (!isInFlight(error) || performance.now() >= deadline) return giveUp(error)
      }
      await sleep(Math.min(backoffDelay(attempt, { baseDelayMs: 10, maxDelayMs: 200 }) + 5, Math.max(0, deadline - performance.now())))
    }
  }
  return etags
}

/** A claim blocked by another write's claim that may still be in flight (not yet known to hold the value). */
const isInFlight = (error: unknown) => isS3verlessError(error, 'model.unique') && error.details.inFlight === true

/** field → etag claims made by write `w`, as the record remembers them. */
export const refsOf = (etags: Record<string, string>, w: string): Record<string, ClaimRef> =>
  Object.fromEntries(Object.entries(etags).map(([f, e]) => [f, { e, w }]))

/** Releases the given claims of `record`, each only if it is still the version its write made. */
export async function releaseAll(core: RepoCore, record: Rec, refs: Record<string, ClaimRef | undefined>): Promise<void> {
  await allOrFirstError(Object.entries(refs).map(([f, ref]) => releaseUnique(core.claims, f, fieldValue(record, f), record.id, ref)))
}

/**
 * Renews every claim write `w` made (compare-and-swap to a new version), restarting their leases.
 * Returns the new etags. @throws UniqueConstraintError for a claim another write took over.
 */
export async function renewAll(core: RepoCore, record: Rec, etags: Record<string, string>, w: string): Promise<Record<string, string>> {
  const renewed = await allOrFirstError(
    Object.entries(etags).map(async ([f, e]) => [f, await renewUnique(core.claims, f, fieldValue(record, f), record.id, w, e)] as const),
  )
  return Object.fromEntries(renewed)
}
