import { backoffDelay, encodeValue, isOutcomeUnknown, isS3verlessError, type Model, type Repository } from '@s3verless/core'
import { fieldValue, type RawRecord, type RecordMeta, storedVersion, updateRecord } from '@s3verless/core/internal'
import type { MigrationRecord } from './migration-types.js'
import type { RecordStamp } from './stamps.js'
import { checkAgainstSchema, sameJson, toJson, withoutServerFields } from './stored-shape.js'
import type { UniqueCheck } from './unique-check.js'

/** Returned by a transform that has nothing to change in a record. */
export const UNCHANGED: unique symbol = Symbol('unchanged')
/** Returned by a transform for a record that an earlier attempt of the same run already rewrote (it carries the run's stamp). */
export const ALREADY_APPLIED: unique symbol = Symbol('alreadyApplied')

/** A record's new content (JSON), and the stamp to write with it (`_s3v.m`; none keeps the record's own). */
export interface Rewrite {
  record: MigrationRecord
  stamp?: RecordStamp
}

/** What a transform makes of one record (as stored, with its bookkeeping and key). */
export type Transform = (record: MigrationRecord, meta: RecordMeta, key: string) => Rewrite | typeof UNCHANGED | typeof ALREADY_APPLIED

/** What became of one record. */
export type RecordOutcome = 'changed' | 'unchanged' | 'alreadyApplied' | 'gone'

/** How to rewrite the records of one pass. */
export interface RecordRewriter {
  repo: Repository<Model>
  model: Model
  transform: Transform
  /** Check each result against the model's schema. */
  validate: boolean
  /** Compute everything, write nothing. */
  dryRun: boolean
  /** The model's indexed and unique fields. */
  indexed: readonly string[]
  /** Called before each write: throws to stop the pass (a lost lease). */
  beforeWrite(): void
  /** Awaited before each write: resolves once the run may write (its in-progress marker is written, once). */
  ready(): Promise<void>
  /** Called when a record's indexed or unique values change. */
  onIndexedChange(): void
  /** Dry pass: gets every record's unique values before and after. */
  uniqueCheck?: UniqueCheck | undefined
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const MAX_ATTEMPTS = 50

/**
 * Transforms one record and, unless dry, writes the result with compare-and-swap on the version it
 * was computed from (`updateRecord` with the record read: no GET more), stamping it as the transform
 * says. A record changed by someone else meanwhile is read again and transformed again, never
 * overwritten; so is one whose write had an unknown outcome (a lost answer): what is stored then
 * tells, its stamp saying whether this run's write landed, so a change is never applied twice. A
 * record whose result equals what is stored (at the model's version) is not written.
 * @throws the transform's, the schema's and the write's errors (`model.unique` among them).
 */
export async function rewriteRecord(ctx: RecordRewriter, first: RawRecord): Promise<RecordOutcome> {
  const { repo, model } = ctx
  const id = first.record.id
  const key = repo.core.layout.recordKey(id)
  let current: RawRecord | null = first
  let unsure = false // an earlier attempt's write may have landed: then the record is found rewritten
  for (let attempt = 1; ; attempt++) {
    if (!current) return 'gone'
    const stored = toJson(current.record)
    const next = ctx.transform(stored, current.meta, key)
    if (next === UNCHANGED || next === ALREADY_APPLIED) {
      ctx.uniqueCheck?.add(id, stored, stored)
      return unsure ? 'changed' : next === UNCHANGED ? 'unchanged' : 'alreadyApplied'
    }
    const data = toJson(ctx.validate ? checkAgainstSchema(model, { ...next.record, id }) : withoutServerFields(next.record))
    if (storedVersion(current.meta) >= model.version && sameJson(withoutServerFields(stored), data)) {
      ctx.uniqueCheck?.add(id, stored, stored)
      return 'unchanged'
    }
    if (ctx.indexed.some((f) => encodeValue(fieldValue(stored, f)) !== encodeValue(fieldValue(data, f)))) ctx.onIndexedChange()
    if (ctx.dryRun) {
      ctx.uniqueCheck?.add(id, stored, data)
      return 'changed'
    }
    ctx.beforeWrite()
    await ctx.ready()
    try {
      await updateRecord(repo.core, id, { replace: data }, {}, current, next.stamp ? { stamp: next.stamp } : {})
      return 'changed'
    } catch (error) {
      if (isS3verlessError(error, 'model.notFound')) return 'gone'
      unsure ||= isOutcomeUnknown(error)
      const readAgain = isS3verlessError(error, 'model.conflict') || isOutcomeUnknown(error)
      if (!readAgain || attempt >= MAX_ATTEMPTS) throw error
    }
    await sleep(backoffDelay(Math.min(attempt, 6), { baseDelayMs: 5, maxDelayMs: 250 }))
    current = await repo.core.readFresh(id)
  }
}
