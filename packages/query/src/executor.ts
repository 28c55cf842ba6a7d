import { compareValues, encodeValue, encodeValueDescending } from '@s3verless/core'
import { fieldValue, type RawRecord, type RepoCore, readHits } from '@s3verless/core/internal'
import { type CandidateHit, candidates } from './candidates.js'
import { QueryTooExpensiveError } from './errors.js'
import { foldCase, matches, matchesNone } from './filters/match.js'
import type { OrderBy, Plan, TextSearch } from './plan-types.js'

/** A record that matched, with the listing position it came from. */
export interface Match {
  raw: RawRecord
  position: string
  /** The tie group of a truncated value on an ordered walk (see {@link CandidateHit.group}). */
  group?: string
}

/** What an execution produced. */
export interface Execution {
  matches: Match[]
  /** A limit stopped the path before its end: more matches may follow `matches`. */
  stoppedEarly: boolean
  /** Records read (GETs of records). */
  read: number
  /** Ids of corrupt records met on the way and left out (their object no longer parses or fits the schema). */
  skipped: string[]
}

/** Where a cursor stopped: after the record `id`, and, inside a tie group, after its `value`. */
export interface Resume {
  id: string
  /** Set when the last record served was in a tie group: skip the group's members up to (value, id). */
  through?: { value: unknown }
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
  /** Stop once this many matches are found (only when the path serves the order). */
  want?: number
  /** Resume after a listing position. */
  after?: string
  /** What was served last before `after`, to skip it again. */
  resume?: Resume
  maxScan?: number
}

const keep = (plan: Plan, record: Record<string, unknown>) =>
  matches(record, plan.conditions) &&
  plan.excludes.every((group) => matchesNone(record, group)) &&
  (plan.search === undefined || matchesText(record, plan.search))

/** A text search: any of its fields (or any string of an array field) contains the text, case-insensitively (as `icontains`). */
function matchesText(record: Record<string, unknown>, search: TextSearch): boolean {
  const text = foldCase(search.text)
  const has = (value: unknown) => typeof value === 'string' && foldCase(value).includes(text)
  return search.fields.some((field) => {
    const value = fieldValue(record, field)
    return Array.isArray(value) ? value.some(has) : has(value)
  })
}

/** Whether `record` satisfies the plan's filter (its conditions and excludes). */
export const satisfies = keep

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
function readBatch(core: RepoCore, batch: CandidateHit[], onCorrupt?: (id: string) => void): Promise<(RawRecord | null)[]> {
  const byKey = new Map(batch.map((hit) => [hit.position, hit]))
  const idOf = new Map(batch.map((hit) => [core.layout.recordKey(hit.id), hit.id]))
  return readHits(
    core,
    batch.map((hit) => ({ id: hit.id, key: hit.position, encoded: hit.entry?.encoded ?? '', ageMs: hit.entry ? hit.entry.ageMs : 0 })),
    (record, hit) => holdsEntry(record, byKey.get(hit.key) as CandidateHit),
    onCorrupt ? { onCorrupt: (key) => onCorrupt(idOf.get(key) ?? key) } : {},
  )
}

/** The order of {@link sortMatches}: by value (nulls first), ties by id; descending is the exact reverse. */
export function compareRecords(order: OrderBy): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const sign = order.descending ? -1 : 1
  return (a, b) => {
    const byValue = compareValues(fieldValue(a, order.field), fieldValue(b, order.field))
    const ia = a.id as string
    const ib = b.id as string
    return sign * (byValue !== 0 ? byValue : ia < ib ? -1 : ia > ib ? 1 : 0)
  }
}

/**
 * Runs a plan: pulls candidates from the access path, reads them in batches (in parallel, bounded),
 * verifies them against their index entries and the query's conditions, and stops as soon as a limit
 * is met when the path already yields the requested order. A batch never splits a tie group of
 * truncated values, and on ordered paths each batch is sorted, so such groups come out in value order.
 * Each record is returned once, even when two index entries lead to it.
 * An id list counts against `maxScan` too: a lookup of more ids than the budget (one id is always
 * allowed) is refused before any request.
 * @throws QueryTooExpensiveError when a scan would read more than `maxScan` records, or an id list names more ids.
 */
export async function execute(core: RepoCore, plan: Plan, options: ExecuteOptions = {}): Promise<Execution> {
  if (plan.path.kind === 'ids' && options.maxScan !== undefined && plan.path.ids.length > Math.max(options.maxScan, 1)) {
    throw new QueryTooExpensiveError(plan.model, options.maxScan, '', plan.path.ids.length)
  }
  const earlyStop = options.want !== undefined && plan.ordered
  const want = options.want ?? Number.POSITIVE_INFINITY
  const found: Match[] = []
  let read = 0
  const skipped = new Set<string>()
  // With a limit on an ordered path, read just what is still missing (at least a round of requests).
  const batchSize = () =>
    earlyStop ? (plan.coveredByIndex ? want - found.length : Math.max(want - found.length, core.settings.concurrency)) : 1000
  const batches = stream(core, plan, {
    window: batchSize,
    ...(options.after !== undefined ? { after: options.after } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    ...(options.maxScan !== undefined ? { maxScan: options.maxScan } : {}),
    unbounded: true,
    onRead: (n) => {
      read += n
    },
    onSkip: (id) => skipped.add(id),
  })
  for await (const batch of batches) {
    found.push(...batch)
    if (earlyStop && found.length >= want) {
      await batches.return(undefined)
      return { matches: found.slice(0, want), stoppedEarly: true, read, skipped: [...skipped] }
    }
  }
  return { matches: found, stoppedEarly: false, read, skipped: [...skipped] }
}

/** Options of {@link stream}. */
export interface StreamOptions {
  /** Candidates read per batch, at most, or a function giving it before each batch (tie groups of long values are never split). */
  window: number | (() => number)
  after?: string
  /** What was served last before `after`, to skip it again (and, inside a tie group, what preceded it). */
  resume?: Resume
  maxScan?: number
  /** Remember every id handed out, not only the last few batches' (for callers that hold every match anyway). */
  unbounded?: boolean
  /** Told how many candidates each batch read. */
  onRead?: (n: number) => void
  /** Told the id of each corrupt record met (and left out). */
  onSkip?: (id: string) => void
}

/**
 * Runs a plan as a stream of batches: each batch is up to `window` candidates read in parallel
 * (bounded), verified against their index entries and the query's conditions, sorted when the path
 * serves an order (so a tie group of truncated values comes out in value order), and handed out
 * before the next is read. Memory: one batch, and the ids of the last few batches (a record reached
 * through two entries of one write comes out once: its entries are next to each other in key order).
 * A consumer that stops ends the listing.
 * @throws QueryTooExpensiveError when a scan would read more than `maxScan` records.
 */
export async function* stream(core: RepoCore, plan: Plan, options: StreamOptions): AsyncGenerator<Match[]> {
  const sortBatches = plan.ordered && plan.order !== undefined
  const compare = plan.order ? compareRecords(plan.order) : undefined
  const resume = options.resume
  const size = options.window
  const window = typeof size === 'number' ? () => size : size
  const recent = new Set<string>()
  const remember = (id: string) => {
    recent.add(id)
    if (!options.unbounded && recent.size > 4 * window()) recent.delete(recent.values().next().value as string)
  }
  let read = 0
  let pending: CandidateHit[] = []
  let leading = resume !== undefined
  const flush = async (): Promise<Match[]> => {
    if (plan.scan && options.maxScan !== undefined && read + pending.length > options.maxScan) {
      throw new QueryTooExpensiveError(plan.model, options.maxScan, `(more than ${options.maxScan} records to read)`)
    }
    const batch = pending
    pending = []
    read += batch.length
    options.onRead?.(batch.length)
    const records = await readBatch(core, batch, options.onSkip)
    const out: Match[] = []
    records.forEach((raw, i) => {
      const hit = batch[i] as CandidateHit
      if (!raw || recent.has(raw.record.id) || !keep(plan, raw.record)) return
      // Resuming inside a tie group: its members up to the last one served were served already.
      if (resume?.through && compare && hit.group === options.after) {
        if (compare(raw.record, { [plan.order?.field as string]: resume.through.value, id: resume.id }) <= 0) return
      }
      remember(raw.record.id)
      out.push({ raw, position: hit.position, ...(sortBatches && hit.group ? { group: hit.group } : {}) })
    })
    if (sortBatches && compare) out.sort((a, b) => compare(a.raw.record, b.raw.record))
    return out
  }
  for await (const hit of candidates(core, plan.path, options.after, Math.min(1000, window()))) {
    // After a cursor, a second entry of the record served last (a write in flight) is skipped.
    if (leading && !hit.group && hit.id === resume?.id) continue
    leading = false
    // A full batch is read at once (no candidate more is pulled, which could cost a LIST), except
    // that a tie group is read whole: it is flushed when the next candidate is outside it.
    const last = pending.at(-1)
    if (last?.group !== undefined && last.group !== hit.group && pending.length >= window()) yield await flush()
    pending.push(hit)
    if (hit.group === undefined && pending.length >= window()) yield await flush()
  }
  if (pending.length > 0) yield await flush()
}

/**
 * Sorts matches for paths that do not serve the order: by value (nulls first), ties by id; descending
 * is the exact reverse, as a descending index lists them.
 */
export function sortMatches(list: Match[], order: OrderBy | undefined): Match[] {
  if (!order) return list
  const compare = compareRecords(order)
  return [...list].sort((a, b) => compare(a.raw.record, b.raw.record))
}

/**
 * Counts the records along a covered path from their index entries (LIST only), each record once.
 * Entries the key cannot decide (a truncated value in a bound's tie group) are verified on the record.
 */
export async function countEntries(core: RepoCore, plan: Plan): Promise<number> {
  const ids = new Set<string>()
  let undecided: CandidateHit[] = []
  const verify = async () => {
    const records = await readBatch(core, undecided)
    for (const raw of records) if (raw && keep(plan, raw.record)) ids.add(raw.record.id)
    undecided = []
  }
  // Order does not matter to a count: a range read backwards is counted forwards (no LIST twice).
  const path = plan.path.kind === 'indexRange' && plan.path.reverse ? { ...plan.path, reverse: undefined } : plan.path
  for await (const hit of candidates(core, path as Plan['path'])) {
    if (!hit.undecided) ids.add(hit.id)
    else if (undecided.push(hit) >= 1000) await verify()
  }
  if (undecided.length > 0) await verify()
  return ids.size
}
