import type { IndexValue } from '@s3verless/core'
import type { Condition } from './filters/filter-types.js'

/** One end of an index range. */
export interface RangeBound {
  value: IndexValue
  inclusive: boolean
}

/** How the executor finds candidate records. */
export type AccessPath =
  /** GET records by id (`id` / `id__in`). */
  | { kind: 'ids'; ids: string[] }
  /** GET the unique claim, then the record. */
  | { kind: 'unique'; field: string; value: IndexValue }
  /** LIST the index prefix of each value (`field` / `field__in` / `field__isnull: true`). */
  | { kind: 'indexEq'; field: string; values: IndexValue[] }
  /**
   * LIST an index from an encoded bound, stopping at the other (no bounds: the whole index, in order).
   * `reverse`: hand an ascending index's range out from its end (an order the model has no descending
   * index for): the range is listed once (LIST only, keeping one page of keys and where each page
   * starts), then read backwards, one more LIST per earlier page reached.
   */
  | { kind: 'indexRange'; field: string; lower?: RangeBound; upper?: RangeBound; descending: boolean; reverse?: true }
  /** LIST the index entries of the strings starting with `prefix`. */
  | { kind: 'indexPrefix'; field: string; prefix: string }
  /** LIST the records themselves, in id order (creation order for server-made UUIDv7 ids, not for caller-chosen ones). */
  | { kind: 'records' }

/** Sort order of a query. */
export interface OrderBy {
  field: string
  descending: boolean
}

/**
 * A text search: records where any of `fields` contains `text`, case-insensitively (the
 * `icontains` comparison), OR across the fields. No index serves it: it is checked on every record
 * the access path reads.
 */
export interface TextSearch {
  text: string
  fields: readonly string[]
}

/** What a query asks for, before planning. */
export interface QueryState {
  conditions: Condition[]
  /** A text search, ANDed with the conditions. */
  search?: TextSearch
  /** Each `exclude()` call: a record is dropped when it matches every condition of one group. */
  excludes: Condition[][]
  order?: OrderBy
  limit?: number
  offset: number
  select?: string[]
  prefetch: string[]
  after?: string
  maxScan?: number
  /** Cache results for this many seconds (through the database's cache backend), if set. */
  cacheTtl?: number
}

/** What the planner knows about a model. */
export interface ModelShape {
  name: string
  unique: readonly string[]
  indexed: readonly string[]
  indexedDescending: readonly string[]
  /** Field kinds, to know which fields hold strings. */
  stringFields: ReadonlySet<string>
  /**
   * Fields of no single kind (unions, literals…): their indexes never serve a Date or ISO date-string
   * operand, which the matcher compares by instant across both kinds.
   */
  looseFields?: ReadonlySet<string>
}

/** The plan `explain()` returns: chosen access path, whether it serves the order, and the predicted cost. */
export interface Plan {
  model: string
  path: AccessPath
  /** The path yields records already in the requested order, so a limit stops the listing early. */
  ordered: boolean
  /** Every condition the path's keys alone decide (no record needs reading to apply them). */
  coveredByIndex: boolean
  /** The path may read every record of the collection. */
  scan: boolean
  /** Conditions and excludes checked on each record read (all of them: index entries are verified). */
  conditions: Condition[]
  excludes: Condition[][]
  /** A text search checked on each record read (never served by an index). */
  search?: TextSearch
  order?: OrderBy
  limit?: number
  offset: number
  /** Predicted S3 requests. `requests` is exact when it can be known without reading the store. */
  predicted: { requests: number | null; formula: string }
  /** One line a person can read. */
  description: string
  /** What would make this query cheaper (e.g. a descending index for an order read backwards). */
  suggestion?: string
  /** Declared indexes not yet built for the stored data (`reindex()` builds them); the plan avoids them. */
  unbuiltIndexes?: readonly string[]
}
