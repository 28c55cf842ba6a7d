import { UniqueConstraintError } from '../model/model-errors.js'
import { allOrFirstError } from './concurrency.js'
import { fieldValue } from './index-entries.js'
import type { RepoCore } from './repo-core.js'
import { claimUnique, holdsClaim, releaseUnique, renewUnique } from './unique-claims.js'

type Rec = Record<string, unknown> & { id: string }

/** The unique fields of `record` that hold a value (nulls are not claimed). */
export const claimedFields = (core: RepoCore, record: Rec, fields: readonly string[] = core.model.unique): string[] =>
  fields.filter((f) => fieldValue(record, f) !== null)

/** Claims each field in parallel; if any claim fails, releases the ones that succeeded and rethrows. */
export async function claimAll(core: RepoCore, record: Rec, fields: readonly string[]): Promise<Record<string, string>> {
  const settled = await Promise.allSettled(fields.map((f) => claimUnique(core.claims, f, fieldValue(record, f), record.id)))
  const etags: Record<string, string> = {}
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') etags[fields[i] as string] = s.value
  })
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await releaseAll(core, record, etags).catch(() => undefined)
    throw failed.reason
  }
  return etags
}

/** Releases the given claims (field → etag) of `record`, each only if still ours. */
export async function releaseAll(core: RepoCore, record: Rec, etags: Record<string, string | undefined>): Promise<void> {
  await allOrFirstError(Object.entries(etags).map(([f, etag]) => releaseUnique(core.claims, f, fieldValue(record, f), record.id, etag)))
}

/**
 * The slow-writer guard of the claim lease. Before writing the record: if more than half the lease has
 * passed since the claims were made, renew them (compare-and-swap), so no other writer can judge them
 * abandoned; a claim lost meanwhile fails the write. Returns the current etags.
 */
export async function renewIfSlow(
  core: RepoCore,
  record: Rec,
  etags: Record<string, string>,
  since: number,
): Promise<Record<string, string>> {
  if (Object.keys(etags).length === 0 || performance.now() - since < core.settings.leaseMs / 2) return etags
  const renewed = await allOrFirstError(
    Object.entries(etags).map(async ([f, etag]) => [f, await renewUnique(core.claims, f, fieldValue(record, f), record.id, etag)] as const),
  )
  return Object.fromEntries(renewed)
}

/**
 * After the record is written: if writing it took longer than the lease, re-read the claims before
 * acknowledging. @throws UniqueConstraintError for a claim another writer took over.
 */
export async function confirmIfSlow(core: RepoCore, record: Rec, etags: Record<string, string>, since: number): Promise<void> {
  if (Object.keys(etags).length === 0 || performance.now() - since < core.settings.leaseMs) return
  for (const f of Object.keys(etags)) {
    if (!(await holdsClaim(core.claims, f, fieldValue(record, f), record.id))) {
      throw new UniqueConstraintError(core.model.name, f, fieldValue(record, f), { details: { lostClaim: true } })
    }
  }
}
