import {
  compareUtf8,
  compareValues,
  encodeStringPrefix,
  encodeValue,
  encodeValueDescending,
  type IndexValue,
  truncatedGroup,
} from '@s3verless/core'
import { claimHolder, type IndexHit, isRecordObject, listIndex, type RepoCore } from '@s3verless/core/internal'
import type { AccessPath, RangeBound } from './plan-types.js'

/** A candidate record found by an access path, with the listing key to resume after it. */
export interface CandidateHit {
  id: string
  /** Listing position (an index or record key); resuming after it continues the path. */
  position: string
  /** The index entry behind the candidate, to verify against the record (absent for ids/records). */
  entry?: IndexHit & { descending: boolean; field: string }
  /**
   * Set when the entry's value is truncated and hashed on an ordered walk: the tie group it belongs to,
   * as the listing key just before the group (resuming after it lists the whole group again). Members
   * of one group come out in hash order, so their value order must be read from the records.
   */
  group?: string
  /** The key alone cannot tell whether the record satisfies the path's bounds: a LIST-only count must verify it. */
  undecided?: true
}

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : compareUtf8(a, b) >= 0 ? a : b)
const descEncode = (v: IndexValue) => encodeValueDescending(v as number | Date | boolean | null)

/** Key order of encoded values, except that values of one tie group compare by value. */
function byKeyThenValue(a: { value: IndexValue; encoded: string }, b: { value: IndexValue; encoded: string }): number {
  const group = truncatedGroup(a.encoded)
  if (group !== undefined && group === truncatedGroup(b.encoded)) return compareValues(a.value, b.value)
  return compareUtf8(a.encoded, b.encoded)
}

/**
 * Streams the candidates of an access path in path order, listing lazily (one LIST per 1000 keys,
 * only as far as the consumer reads). `after` resumes after a position handed out earlier; `firstPage`
 * is how many keys the first LIST of an index asks for (as many as the consumer reads first).
 */
export async function* candidates(core: RepoCore, path: AccessPath, after?: string, firstPage?: number): AsyncGenerator<CandidateHit> {
  const { layout } = core
  const resumed = (position: string) => after === undefined || compareUtf8(position, after) > 0
  switch (path.kind) {
    case 'ids':
      // In id order (the planner sorts them), so a cursor resumes after the last id served.
      for (const id of path.ids) if (resumed(layout.recordKey(id))) yield { id, position: layout.recordKey(id) }
      return
    case 'unique': {
      const id = await claimHolder(core.claims, path.field, path.value)
      if (id && resumed(layout.recordKey(id))) yield { id, position: layout.recordKey(id) }
      return
    }
    case 'records': {
      let cursor: string | undefined
      do {
        const page = await core.store.list(layout.recordPrefix, cursor ? { cursor } : after ? { startAfter: after } : {})
        for (const object of page.objects) {
          const id = layout.idOf(object.key)
          if (id !== undefined && isRecordObject(core, object)) yield { id, position: object.key } // (tombstones are told apart by size)
        }
        cursor = page.cursor
      } while (cursor)
      return
    }
    case 'indexEq': {
      // Each value's entries in turn, in value order (so an `in` over long values is ordered too).
      const seen = new Set<string>()
      const values = path.values
        .map((value) => ({ value, encoded: encodeValue(value) }))
        .filter((v) => !seen.has(v.encoded) && seen.add(v.encoded) !== undefined)
        .sort(byKeyThenValue)
      const prefixes = values.map((v) => layout.indexValuePrefix(path.field, v.encoded))
      let from = 0
      if (after !== undefined) {
        const at = prefixes.findIndex((p) => after.startsWith(p))
        from = at >= 0 ? at : prefixes.findIndex((p) => compareUtf8(p, after) > 0)
        if (from < 0) return
      }
      for (const [i, prefix] of prefixes.entries()) {
        if (i < from) continue
        const startAfter = after?.startsWith(prefix) ? after : undefined
        for await (const hit of listIndex(core, path.field, prefix, { firstPage, ...(startAfter ? { startAfter } : {}) })) {
          yield { id: hit.id, position: hit.key, entry: { ...hit, descending: false, field: path.field } }
        }
      }
      return
    }
    case 'indexPrefix': {
      const fieldPrefix = layout.indexFieldPrefix(path.field)
      const encoded = encodeStringPrefix(path.prefix)
      // A prefix too long to store is the kept prefix of a tie group: its members may not start with it.
      const undecided = truncatedGroup(`${encoded}${'0'.repeat(64)}`) === encoded
      for await (const hit of listIndex(core, path.field, fieldPrefix + encoded, { firstPage, ...(after ? { startAfter: after } : {}) })) {
        yield withGroup(fieldPrefix, { id: hit.id, position: hit.key, entry: { ...hit, descending: false, field: path.field } }, undecided)
      }
      return
    }
    case 'indexRange':
      yield* path.reverse ? reversedRange(core, path, after) : rangeCandidates(core, path, after, firstPage)
  }
}

/** Keys read backwards are handed out a chunk at a time: as many as one LIST returns. */
const CHUNK = 1000

/**
 * An ascending index range handed out from its end. The range is listed once, keeping only its last
 * chunk of hits and, for every earlier chunk, the positions it starts after and ends at; then the
 * chunks are handed out last to first, each earlier one listed again (about 1 LIST) when the consumer
 * gets that far. Memory: one chunk of hits plus two keys per 1,000 entries. `after` (a position handed
 * out earlier) resumes with the entries before it. Only for fields whose keys order as their values
 * do (no tie groups): the planner sees to that.
 */
async function* reversedRange(
  core: RepoCore,
  path: Extract<AccessPath, { kind: 'indexRange' }>,
  after: string | undefined,
): AsyncGenerator<CandidateHit> {
  const { reverse: _, ...forward } = { ...path, descending: false }
  const spans: { startAfter: string | undefined; end: string }[] = []
  let chunk: CandidateHit[] = []
  let startAfter: string | undefined
  for await (const hit of rangeCandidates(core, forward, undefined)) {
    if (after !== undefined && compareUtf8(hit.position, after) >= 0) break
    if (chunk.length === CHUNK) {
      const end = (chunk.at(-1) as CandidateHit).position
      spans.push({ startAfter, end })
      startAfter = end
      chunk = []
    }
    chunk.push(hit)
  }
  for (let i = chunk.length - 1; i >= 0; i--) yield chunk[i] as CandidateHit
  for (let s = spans.length - 1; s >= 0; s--) {
    const { startAfter: from, end } = spans[s] as { startAfter: string | undefined; end: string }
    // Listed again up to the entry it ended with (entries written since are taken in too).
    const again: CandidateHit[] = []
    for await (const hit of rangeCandidates(core, forward, from)) {
      const order = compareUtf8(hit.position, end)
      if (order > 0) break
      again.push(hit)
      if (order === 0) break
    }
    for (let i = again.length - 1; i >= 0; i--) yield again[i] as CandidateHit
  }
}

/** Marks a hit of an ascending index walk whose value is truncated with its tie group. */
function withGroup(fieldPrefix: string, hit: CandidateHit, undecided: boolean): CandidateHit {
  const group = hit.entry && truncatedGroup(hit.entry.encoded)
  return { ...hit, ...(group ? { group: fieldPrefix + group } : {}), ...(undecided ? { undecided: true as const } : {}) }
}

/**
 * Lists an index range. Bounds bracket the listing to their own kind (a number bound never lists
 * strings or dates: ordering filters match values of the operand's kind only). A truncated bound
 * decides nothing inside its own tie group: the listing takes the whole group in, flagged `undecided`.
 */
async function* rangeCandidates(
  core: RepoCore,
  path: Extract<AccessPath, { kind: 'indexRange' }>,
  after: string | undefined,
  firstPage?: number,
): AsyncGenerator<CandidateHit> {
  const { layout } = core
  const fieldPrefix = layout.indexFieldPrefix(path.field, path.descending)
  const encode = (bound: RangeBound) => (path.descending ? descEncode(bound.value) : encodeValue(bound.value))
  // In listing order the range starts at `first` and stops at `last` (swapped for a descending index).
  const first = path.descending ? path.upper : path.lower
  const last = path.descending ? path.lower : path.upper
  const firstEnc = first && encode(first)
  const lastEnc = last && encode(last)
  const firstGroup = firstEnc && truncatedGroup(firstEnc)
  const lastGroup = lastEnc && truncatedGroup(lastEnc)
  const tag = (firstEnc ?? lastEnc)?.[0]
  let start: string | undefined
  if (firstEnc !== undefined) start = fieldPrefix + (firstGroup ?? firstEnc + (first?.inclusive ? '' : '0'))
  else if (tag !== undefined) start = fieldPrefix + tag // the first key of the bound's kind
  for await (const hit of listIndex(core, path.field, fieldPrefix, {
    descending: path.descending,
    firstPage,
    ...(later(start, after) ? { startAfter: later(start, after) as string } : {}),
  })) {
    if (tag !== undefined && hit.encoded[0] !== tag) return // past the bound's kind
    const group = truncatedGroup(hit.encoded)
    const inBoundGroup = group !== undefined && (group === firstGroup || group === lastGroup)
    if (lastEnc !== undefined && !inBoundGroup) {
      const order = compareUtf8(hit.encoded, lastEnc)
      if (order > 0 || (order === 0 && !last?.inclusive)) return
    }
    const candidate: CandidateHit = { id: hit.id, position: hit.key, entry: { ...hit, descending: path.descending, field: path.field } }
    yield path.descending ? candidate : withGroup(fieldPrefix, candidate, inBoundGroup)
  }
}
