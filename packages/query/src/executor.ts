import { compareValues, encodeValue, encodeValueDescending, type IndexValue } from '@s3verless/core'
import { fieldValue, type RawRecord, type RepoCore, readHits } from '@s3verless/core/internal'
import { type CandidateHit, candidates } from './candidates.js'
import { QueryTooExpensiveError } from './errors.js'
import { matches, matchesNone } from './filters/match.js'
import type { OrderBy, Plan } from './plan-types.js'

/** A record that matched, with the listing position it came from. */
export interface Match {
  raw: RawRecord
  position: string
}

/** What an execution produced. */
export interface Execution {
  matches: Match[]
  /** A limit stopped the path before its end: more matches may follow `matches`. */
  stoppedEarly: boolean
  /** Records read (GETs of records). */
  read: number
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
  /** Stop once this many matches are found (only when the path serves the order). */
  want?: number
  /** Resume after a listing position. */
  after?: string
  maxScan?: number
}

const keep = (plan: Plan, record: Record<string, unknown>) =>
  matches(record, plan.conditions) && plan.excludes.every((group) => matchesNone(record, group))

/** The record still holds the value its index entry says (otherwise the entry is stale). */
function holdsEntry(record: Record<string, unknown>, hit: CandidateHit): boolean {
  const entry = hit.entry
  if (!entry) return true
  const value = fieldValue(record, entry.field)
  return (entry.descending ? encodeValueDescending(value as number | Date | boolean | null) : encodeValue(value)) === entry.encoded
}

/**
 * Reads candidate records in parallel (bounded), each verified against its own index entry: a record
 * reached through a stale entry (say, its old value) is dropped there. Corrupt records are skipped.
 */
function readBatch(core: RepoCore, batch: CandidateHit[]): Promise<(RawRecord | null)[]> {
  const byKey = new Map(batch.map((hit) => [hit.position, hit]))
  return readHits(
    core,
    batch.map((hit) => ({ id: hit.id, key: hit.position, encoded: hit.entry?.encoded ?? '', ageMs: hit.entry ? hit.entry.ageMs : 0 })),
    (record, hit) => holdsEntry(record, byKey.get(hit.key) as CandidateHit),
  )
}

/**
 * Runs a plan: pulls candidates from the access path, reads them in batches (in parallel, bounded),
 * verifies them against their index entries and the query's conditions, and stops as soon as a limit
 * is met when the path already yields the requested order.
 * @throws QueryTooExpensiveError when a scan would read more than `maxScan` records.
 */
export async function execute(core: RepoCore, plan: Plan, options: ExecuteOptions = {}): Promise<Execution> {
  const earlyStop = options.want !== undefined && plan.ordered
  const want = options.want ?? Number.POSITIVE_INFINITY
  const found: Match[] = []
  let read = 0
  let pending: CandidateHit[] = []
  const stream = candidates(core, plan.path, options.after)

  const flush = async () => {
    if (plan.scan && options.maxScan !== undefined && read + pending.length > options.maxScan) {
      throw new QueryTooExpensiveError(plan.model, options.maxScan, `(more than ${options.maxScan} records to read)`)
    }
    const batch = pending
    pending = []
    read += batch.length
    const records = await readBatch(core, batch)
    records.forEach((raw, i) => {
      if (raw && keep(plan, raw.record)) found.push({ raw, position: (batch[i] as CandidateHit).position })
    })
  }
  const batchSize = () => {
    if (!earlyStop) return 1000
    const missing = want - found.length
    return plan.coveredByIndex ? missing : Math.max(missing, core.settings.concurrency)
  }

  for await (const hit of stream) {
    pending.push(hit)
    if (pending.length >= batchSize()) {
      await flush()
      if (earlyStop && found.length >= want) {
        await stream.return(undefined)
        return { matches: found.slice(0, want), stoppedEarly: true, read }
      }
    }
  }
  if (pending.length > 0) await flush()
  if (earlyStop && found.length > want) return { matches: found.slice(0, want), stoppedEarly: true, read }
  return { matches: found, stoppedEarly: false, read }
}

/**
 * Sorts matches for paths that do not serve the order: by value (nulls first), ties by id (creation
 * order); descending is the exact reverse, as a descending index lists them.
 */
export function sortMatches(list: Match[], order: OrderBy | undefined): Match[] {
  if (!order) return list
  const sign = order.descending ? -1 : 1
  return [...list].sort((a, b) => {
    const byValue = compareValues(fieldValue(a.raw.record, order.field) as IndexValue, fieldValue(b.raw.record, order.field) as IndexValue)
    return sign * (byValue !== 0 ? byValue : a.raw.record.id < b.raw.record.id ? -1 : a.raw.record.id > b.raw.record.id ? 1 : 0)
  })
}

/** Counts index entries along a covered path without reading records (LIST only). */
export async function countEntries(core: RepoCore, plan: Plan): Promise<number> {
  let n = 0
  for await (const _ of candidates(core, plan.path)) n++
  return n
}
