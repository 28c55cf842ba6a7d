import { compareSameKind, compareUtf8, type IndexValue, parseIsoDateTime } from '@s3verless/core'
import type { Condition } from './filters/filter-types.js'
import type { AccessPath, ModelShape, OrderBy, Plan, QueryState, RangeBound, TextSearch } from './plan-types.js'

const RANGE_OPS = new Set(['gt', 'gte', 'lt', 'lte'])

interface Candidate {
  path: AccessPath
  score: number
  /** Conditions the path decides by itself. */
  uses: Condition[]
}

/** Matches a lone surrogate (in a `u` regex, a well-formed pair is one code point and does not match). */
const LONE_SURROGATE = /\p{Cs}/u

/** Values an index key can hold: strings must be well-formed Unicode, Dates valid. */
const isIndexValue = (v: unknown): v is IndexValue =>
  v === null ||
  typeof v === 'number' ||
  typeof v === 'boolean' ||
  (typeof v === 'string' && !LONE_SURROGATE.test(v)) ||
  (v instanceof Date && !Number.isNaN(v.getTime()))

/**
 * Whether the index of `field` answers a comparison with `value` exactly as the matcher does. On a
 * field of no single kind, a Date and an ISO date string compare equal when they name one instant,
 * which keys cannot know: those operands are compared on the records.
 */
function servable(shape: ModelShape, field: string, value: unknown): value is IndexValue {
  if (!isIndexValue(value)) return false
  if (!shape.looseFields?.has(field)) return true
  return !(value instanceof Date || (typeof value === 'string' && parseIsoDateTime(value) !== undefined))
}

/** Whether a path hands records out in the requested order. */
function servesOrder(path: AccessPath, order: OrderBy | undefined): boolean {
  if (!order) return true
  // Only id order is key order: `createdAt` is not, since a caller may choose any id.
  const byId = order.field === 'id' && !order.descending
  switch (path.kind) {
    case 'ids':
      return byId
    case 'unique':
      return true // at most one record
    case 'records':
      return byId
    case 'indexEq':
      return (order.field === path.field && !order.descending) || (path.values.length === 1 && byId)
    case 'indexRange':
      return order.field === path.field && order.descending === (path.descending || path.reverse === true)
    case 'indexPrefix':
      return order.field === path.field && !order.descending
  }
}

/**
 * Whether an ascending index of `field` can be read backwards for a descending order: its keys must
 * order exactly as values do (not strings, whose long values are truncated into tie groups, nor fields
 * of no single kind).
 */
const reversible = (shape: ModelShape, field: string) => !shape.stringFields.has(field) && !shape.looseFields?.has(field)

/** The tighter of two bounds on one side; `undefined` when their kinds differ (nothing can satisfy both). */
function tighter(a: RangeBound, b: RangeBound, side: 'lower' | 'upper'): RangeBound | undefined {
  const c = compareSameKind(a.value, b.value)
  if (c === undefined) return undefined
  if (c === 0) return a.inclusive ? b : a
  return (side === 'lower') === c > 0 ? a : b
}

/**
 * One range path per field: all its bounds intersect (the tightest lower and upper bound). Bounds of
 * another kind than the first cannot hold together with it: the path then decides only the bounds of
 * that first kind, and the others are checked on the records (they match nothing).
 */
function rangeCandidate(shape: ModelShape, field: string, conds: Condition[], order: OrderBy | undefined): Candidate | undefined {
  let lower: RangeBound | undefined
  let upper: RangeBound | undefined
  const uses: Condition[] = []
  for (const c of conds) {
    const bound = { value: c.value as IndexValue, inclusive: c.op === 'gte' || c.op === 'lte' }
    const side = c.op === 'gt' || c.op === 'gte' ? 'lower' : 'upper'
    const current = side === 'lower' ? lower : upper
    const other = side === 'lower' ? upper : lower
    const next = current
      ? tighter(current, bound, side)
      : other && compareSameKind(other.value, bound.value) === undefined
        ? undefined
        : bound
    if (!next) continue
    if (side === 'lower') lower = next
    else upper = next
    uses.push(c)
  }
  const strings = [lower, upper].some((b) => typeof b?.value === 'string')
  const canDescend = shape.indexedDescending.includes(field) && !strings
  const ascending = shape.indexed.includes(field)
  const wantsDescending = order?.field === field && order.descending
  const descending = canDescend && (wantsDescending || !ascending)
  if (!descending && !ascending) return undefined
  const reverse = wantsDescending && !descending && reversible(shape, field)
  return {
    path: {
      kind: 'indexRange',
      field,
      ...(lower ? { lower } : {}),
      ...(upper ? { upper } : {}),
      descending,
      ...(reverse ? { reverse: true as const } : {}),
    },
    score: 300,
    uses,
  }
}

function candidatesFor(shape: ModelShape, conditions: Condition[], order: OrderBy | undefined): Candidate[] {
  const out: Candidate[] = []
  const indexed = new Set(shape.indexed)
  for (const c of conditions) {
    if (c.field === 'id' && c.op === 'eq' && typeof c.value === 'string')
      out.push({ path: { kind: 'ids', ids: [c.value] }, score: 1000, uses: [c] })
    if (c.field === 'id' && c.op === 'in' && Array.isArray(c.value) && c.value.every((v) => typeof v === 'string')) {
      // Sorted: the path then yields id order, and a cursor resumes after the last id served.
      const ids = [...new Set(c.value as string[])].sort((a, b) => compareUtf8(a, b))
      out.push({ path: { kind: 'ids', ids }, score: 900, uses: [c] })
    }
    if (c.op === 'eq' && shape.unique.includes(c.field) && c.value !== null && servable(shape, c.field, c.value)) {
      out.push({ path: { kind: 'unique', field: c.field, value: c.value }, score: 800, uses: [c] })
    }
    if (!indexed.has(c.field)) continue
    if ((c.op === 'eq' && servable(shape, c.field, c.value)) || (c.op === 'isnull' && c.value === true)) {
      const value = c.op === 'eq' ? (c.value as IndexValue) : null
      out.push({ path: { kind: 'indexEq', field: c.field, values: [value] }, score: 500, uses: [c] })
    } else if (c.op === 'in' && Array.isArray(c.value) && c.value.length > 0 && c.value.every((v) => servable(shape, c.field, v))) {
      out.push({
        path: { kind: 'indexEq', field: c.field, values: [...(c.value as IndexValue[])] },
        score: 400 - c.value.length,
        uses: [c],
      })
    } else if (c.op === 'startswith' && isIndexValue(c.value) && typeof c.value === 'string' && shape.stringFields.has(c.field)) {
      out.push({ path: { kind: 'indexPrefix', field: c.field, prefix: c.value }, score: 200, uses: [c] })
    }
  }
  // Ranges: every range condition on one indexed field combines into one path.
  const byField = new Map<string, Condition[]>()
  for (const c of conditions) {
    const onIndex = indexed.has(c.field) || shape.indexedDescending.includes(c.field)
    if (RANGE_OPS.has(c.op) && onIndex && c.value !== null && servable(shape, c.field, c.value))
      byField.set(c.field, [...(byField.get(c.field) ?? []), c])
  }
  for (const [field, conds] of byField) {
    const range = rangeCandidate(shape, field, conds, order)
    if (range) out.push(range)
  }
  // Order alone: walk the index of the order field (id order is the records' own order).
  if (order && order.field !== 'id') {
    const canWalk = order.descending ? shape.indexedDescending.includes(order.field) : indexed.has(order.field)
    if (canWalk) out.push({ path: { kind: 'indexRange', field: order.field, descending: order.descending }, score: 100, uses: [] })
    else if (order.descending && indexed.has(order.field) && reversible(shape, order.field)) {
      out.push({ path: { kind: 'indexRange', field: order.field, descending: false, reverse: true }, score: 90, uses: [] })
    }
  }
  out.push({ path: { kind: 'records' }, score: 0, uses: [] })
  return out
}

function formula(plan: Omit<Plan, 'predicted' | 'description'>): { requests: number | null; formula: string } {
  const want = plan.limit === undefined ? undefined : plan.limit + plan.offset
  const p = plan.path
  switch (p.kind) {
    case 'ids':
      return { requests: p.ids.length, formula: `${p.ids.length} GET(s)` }
    case 'unique':
      return { requests: 2, formula: '1 GET of the unique claim + 1 GET of the record' }
    case 'records':
      if (want !== undefined && plan.conditions.length === 0 && plan.excludes.length === 0 && !plan.search && plan.ordered) {
        return {
          requests: Math.ceil(Math.max(want, 1) / 1000) + want,
          formula: `1 LIST per 1,000 records + ${want} GETs (a page in id order)`,
        }
      }
      return { requests: null, formula: '1 LIST per 1,000 records + 1 GET per record read (full scan)' }
    default: {
      if (p.kind === 'indexRange' && p.reverse) {
        return {
          requests: null,
          formula: `1 LIST per 1,000 entries of the range (listed to its end) + ${want !== undefined && plan.ordered ? `up to ${want} GETs` : '1 GET per entry read'}`,
        }
      }
      const lists = p.kind === 'indexEq' ? `${p.values.length} LIST(s)` : '1 LIST'
      if (want !== undefined && plan.ordered && plan.coveredByIndex) {
        return {
          requests: (p.kind === 'indexEq' ? p.values.length : 1) + want,
          formula: `${lists} (per 1,000 index entries) + up to ${want} GETs, stopping at the limit`,
        }
      }
      if (plan.coveredByIndex && plan.conditions.length > 0 && want === undefined) {
        return { requests: null, formula: `${lists} (per 1,000 index entries) + 1 GET per match` }
      }
      return { requests: null, formula: `${lists} (per 1,000 index entries) + 1 GET per entry read` }
    }
  }
}

/** How a text search is applied, for the plan's description: on every record the path reads. */
function searchNote(search: TextSearch | undefined): string {
  if (!search) return ''
  return `; ${JSON.stringify(search.text)} searched in ${search.fields} on each record read (no index serves it)`
}

function describe(path: AccessPath, scan: boolean): string {
  switch (path.kind) {
    case 'ids':
      return `get ${path.ids.length} record(s) by id`
    case 'unique':
      return `unique lookup on ${path.field}`
    case 'indexEq':
      return `index equality on ${path.field} (${path.values.length} value${path.values.length === 1 ? '' : 's'})`
    case 'indexRange':
      return `${path.lower || path.upper ? 'index range' : 'index walk'} on ${path.field}${path.descending ? ' (descending index)' : ''}${path.reverse ? ', read backwards' : ''}${scan ? ' — reads every record' : ''}`
    case 'indexPrefix':
      return `index prefix on ${path.field}`
    case 'records':
      return scan ? 'FULL SCAN of the records (LIST + GET each), filtered in memory' : 'records in id order'
  }
}

/**
 * Chooses the cheapest access path for a query, without any I/O: id → GET; unique equality → claim +
 * record; indexed equality / `in` → LIST of the value prefixes; indexed range or prefix, or an order
 * on an indexed field → LIST from an encoded bound; otherwise a full scan.
 */
export function planQuery(shape: ModelShape, state: QueryState): Plan {
  const conditions = state.conditions
  const order = state.order
  const candidates = candidatesFor(shape, conditions, order)
  const want = state.limit === undefined ? undefined : state.limit + state.offset
  let best: Candidate | undefined
  let bestScore = Number.NEGATIVE_INFINITY
  for (const c of candidates) {
    // A path that serves the order lets a limit stop early: worth a lot when there is a limit.
    const score = c.score + (want !== undefined && servesOrder(c.path, order) ? 150 : 0)
    if (score > bestScore) {
      best = c
      bestScore = score
    }
  }
  const path = (best as Candidate).path
  const uses = new Set((best as Candidate).uses)
  const ordered = servesOrder(path, order)
  const coveredByIndex = state.excludes.length === 0 && state.search === undefined && conditions.every((c) => uses.has(c))
  const unbounded = path.kind === 'records' || (path.kind === 'indexRange' && !path.lower && !path.upper)
  const unfiltered = conditions.length === 0 && state.excludes.length === 0 && state.search === undefined
  const scan = unbounded && !(want !== undefined && ordered && unfiltered)
  const base = {
    model: shape.name,
    path,
    ordered,
    coveredByIndex,
    scan,
    conditions,
    excludes: state.excludes,
    ...(state.search ? { search: state.search } : {}),
    ...(order ? { order } : {}),
    ...(state.limit !== undefined ? { limit: state.limit } : {}),
    offset: state.offset,
  }
  const suggestion =
    path.kind === 'indexRange' && path.reverse ? `indexedDescending: ['${path.field}'] would list only the entries read` : undefined
  return {
    ...base,
    predicted: formula(base),
    description: describe(path, scan) + searchNote(state.search),
    ...(suggestion ? { suggestion } : {}),
  }
}

/**
 * Plans with only the indexes the model's catalog lists as built (`ready`; `undefined` before the
 * catalog was first read: every declared index counts as built), naming the others in `unbuiltIndexes`.
 */
export function planWithCatalog(
  shape: ModelShape,
  state: QueryState,
  ready: ReadonlySet<string> | undefined,
  declared: readonly string[],
): Plan {
  if (!ready) return { ...planQuery(shape, state), unbuiltIndexes: [] }
  const built: ModelShape = {
    ...shape,
    indexed: shape.indexed.filter((f) => ready.has(`asc:${f}`)),
    indexedDescending: shape.indexedDescending.filter((f) => ready.has(`desc:${f}`)),
    unique: shape.unique.filter((f) => ready.has(`unique:${f}`)),
  }
  return { ...planQuery(built, state), unbuiltIndexes: declared.filter((t) => !ready.has(t)) }
}
