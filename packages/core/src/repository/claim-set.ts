import { allOrFirstError } from './concurrency.js'
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
 * Claims each field in parallel for the write whose token is `w` and returns field → etag. If any
 * claim fails, the ones that succeeded (all versions this write made) are released and the error rethrown.
 */
export async function claimAll(
  core: RepoCore,
  record: Rec,
  fields: readonly string[],
  w: string,
  superseded: Readonly<Record<string, string>> = {},
): Promise<Record<string, string>> {
  const settled = await Promise.allSettled(
    fields.map((f) => claimUnique(core.claims, f, fieldValue(record, f), record.id, w, superseded[f])),
  )
  const etags: Record<string, string> = {}
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') etags[fields[i] as string] = s.value
  })
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await releaseAll(core, record, refsOf(etags, w)).catch(() => undefined)
    throw failed.reason
  }
  return etags
}

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
