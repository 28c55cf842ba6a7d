import { isS3verlessError, S3verlessError } from '../errors.js'
import { mapLimit } from './concurrency.js'
import { findByIndex } from './index-lookup.js'
import { outcomeOf } from './outcome.js'
import { deleteRecord } from './record-removal.js'
import type { CoreOf } from './relations-ops.js'
import type { RepoCore } from './repo-core.js'

/** A failed create of a batch: which input, and why. */
export interface BatchFailure {
  index: number
  error: unknown
}

/**
 * Takes back what a failed `createMany` created, then throws. Each record is deleted only in the
 * version this call made (read fresh, compare-and-swap on its etag, no relation rules); a record
 * changed since (another client's write built on it), one that has dependents now, or one whose
 * delete failed stays. When everything was taken back and every failed create certainly failed, the
 * first failure (by input order) is rethrown: nothing of the call remains. Otherwise
 * `model.batchIncomplete` reports what may remain.
 * Requests per record taken back: 1 GET + a delete (see `deleteRecord`), plus the LISTs of any
 * relation pointing at the model.
 */
export async function takeBack(
  core: RepoCore,
  created: readonly ({ id: string; $etag: string } | undefined)[],
  failures: readonly BatchFailure[],
  coreOf: CoreOf,
): Promise<never> {
  const kept: string[] = []
  let keptUnknown = false
  await mapLimit(
    created.filter((r) => r !== undefined),
    core.settings.concurrency,
    async (record) => {
      try {
        const raw = await core.readFresh(record.id)
        if (raw === null) return // deleted by someone else meanwhile
        if (raw.etag !== record.$etag || (await hasDependents(core, record.id, coreOf))) {
          kept.push(record.id) // someone built on it: it is theirs now
          return
        }
        await deleteRecord(core, raw)
      } catch (error) {
        kept.push(record.id) // changed in between (a conflict), or the delete failed
        if (outcomeOf(error) === 'unknown') keptUnknown = true
      }
    },
  )
  const sorted = [...failures].sort((a, b) => a.index - b.index)
  const unknown = sorted.filter((f) => outcomeOf(f.error) !== 'failed')
  const first = sorted[0] as BatchFailure
  if (kept.length === 0 && unknown.length === 0) throw first.error
  const codes = sorted.map((f) => (isS3verlessError(f.error) ? f.error.code : String(f.error)))
  throw new S3verlessError(
    'model.batchIncomplete',
    `${core.model.name}.createMany failed at input ${first.index} (${codes[0]}) and could not take back all it wrote: ` +
      `${kept.length} record(s) remain${unknown.length > 0 ? `, ${unknown.length} create(s) may have landed` : ''}; re-read them before retrying`,
    {
      cause: first.error,
      details: {
        model: core.model.name,
        outcome: unknown.length > 0 || keptUnknown ? 'unknown' : 'partial',
        kept: kept.sort(),
        unknown: unknown.map((f) => ({ index: f.index, id: isS3verlessError(f.error) ? f.error.details.id : undefined })),
        failed: sorted.map((f, i) => ({ index: f.index, code: codes[i] })),
      },
    },
  )
}

/** Whether any record of another model points at `id` through a relation (whatever its delete rule). */
async function hasDependents(core: RepoCore, id: string, coreOf: CoreOf): Promise<boolean> {
  for (const rule of core.settings.registry.dependents(core.model)) {
    const other = coreOf(rule.model)
    if (!(await other.catalog.ready()).has(`asc:${rule.foreignKey}`)) return true // cannot tell: keep it
    if ((await findByIndex(other, rule.foreignKey, id, { fresh: true })).length > 0) return true
  }
  return false
}
