import type { RecordMeta } from '@s3verless/core/internal'

/**
 * A record's migration stamp (`_s3v.m`): the run `r` that last rewrote it and the migrations that run
 * applied to it (`v`, empty for a rollback run). The application's later writes carry it over, so a
 * run interrupted and started again (it keeps its id) can tell the records it already rewrote.
 */
export type RecordStamp = NonNullable<RecordMeta['m']>

/** A record's stamp, when it has a well-formed one. */
export function stampOf(meta: RecordMeta): RecordStamp | undefined {
  const m = meta.m as unknown
  if (typeof m !== 'object' || m === null) return undefined
  const { r, v } = m as { r?: unknown; v?: unknown }
  return typeof r === 'string' && Array.isArray(v) && v.every((x) => typeof x === 'string') ? { r, v } : undefined
}

/**
 * What run `run` still has to apply to a record, of the migrations `versions` (in order), and the
 * stamp the record gets with them: a record the same run already rewrote (an earlier attempt,
 * interrupted) gets only the migrations its stamp lacks; any other record gets all of them.
 * @example
 * stampPlan(['0001', '0002'], 'r1', { m: { r: 'r1', v: ['0001'] } }) // { todo: ['0002'], stamp: { r: 'r1', v: ['0001', '0002'] } }
 */
export function stampPlan(versions: readonly string[], run: string, meta: RecordMeta): { todo: string[]; stamp: RecordStamp } {
  const stamp = stampOf(meta)
  const done = stamp?.r === run ? stamp.v : []
  const todo = versions.filter((v) => !done.includes(v))
  return { todo, stamp: { r: run, v: [...done, ...todo] } }
}

/** The stamp of a record a rollback run reversed: the run, and no migration applied by it. */
export const rollbackStamp = (run: string): RecordStamp => ({ r: run, v: [] })

/** Whether the rollback run `run` already reversed this record (an earlier attempt of it, interrupted). */
export const reversedBy = (meta: RecordMeta, run: string): boolean => stampOf(meta)?.r === run
