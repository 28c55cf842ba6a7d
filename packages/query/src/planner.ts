import type { IndexValue } from '@s3verless/core'
import type { Condition } from './filters/filter-types.js'
import type { AccessPath, ModelShape, OrderBy, Plan, QueryState, RangeBound } from './plan-types.js'

const RANGE_OPS = new Set(['gt', 'gte', 'lt', 'lte'])

interface Candidate {
  path: AccessPath
  score: number
  /** Conditions the path decides by itself. */
  uses: Condition[]
}

const isIndexValue = (v: unknown): v is IndexValue =>
  v === null || ['string', 'number', 'boolean'].includes(typeof v) || (v instanceof Date && !Number.isNaN(v.getTime()))

/** Whether a path hands records out in the requested order. */
function servesOrder(path: AccessPath, order: OrderBy | undefined): boolean {
  if (!order) return true
  const byCreation = (order.field === 'createdAt' || order.field === 'id') && !order.descending
  switch (path.kind) {
    case 'records':
      return byCreation
    case 'indexEq':
      return path.values.length === 1 ? order.field === path.field || byCreation : order.field === path.field && !order.descending
    case 'indexRange':
      return order.field === path.field && order.descending === path.descending
    case 'indexPrefix':
      return order.field === path.field && !order.descending
    default:
      return false
  }
}

function candidatesFor(shape: ModelShape, conditions: Condition[], order: OrderBy | undefined): Candidate[] {
  const out: Candidate[] = []
  const indexed = new Set(shape.indexed)
  for (const c of conditions) {
    if (c.field === 'id' && c.op === 'eq' && typeof c.value === 'string')
      out.push({ path: { kind: 'ids', ids: [c.value] }, score: 1000, uses: [c] })
    if (c.field === 'id' && c.op === 'in' && Array.isArray(c.value) && c.value.every((v) => typeof v === 'string')) {
      out.push({ path: { kind: 'ids', ids: [...new Set(c.value as string[])] }, score: 900, uses: [c] })
    }
    if (!isIndexValue(c.value) && c.op !== 'in' && c.op !== 'isnull') continue
    if (c.op === 'eq' && shape.unique.includes(c.field) && c.value !== null) {
      out.push({ path: { kind: 'unique', field: c.field, value: c.value as IndexValue }, score: 800, uses: [c] })
    }
    if (!indexed.has(c.field)) continue
    if (c.op === 'eq' || (c.op === 'isnull' && c.value === true)) {
      const value = c.op === 'eq' ? (c.value as IndexValue) : null
      out.push({ path: { kind: 'indexEq', field: c.field, values: [value] }, score: 500, uses: [c] })
    } else if (c.op === 'in' && Array.isArray(c.value) && c.value.length > 0 && c.value.every(isIndexValue)) {
      out.push({
        path: { kind: 'indexEq', field: c.field, values: [...(c.value as IndexValue[])] },
        score: 400 - c.value.length,
        uses: [c],
      })
    } else if (c.op === 'startswith' && typeof c.value === 'string' && shape.stringFields.has(c.field)) {
      out.push({ path: { kind: 'indexPrefix', field: c.field, prefix: c.value }, score: 200, uses: [c] })
    }
  }
  // Ranges: every range condition on one indexed field combines into one path.
  const byField = new Map<string, Condition[]>()
  for (const c of conditions) {
    if (RANGE_OPS.has(c.op) && indexed.has(c.field) && isIndexValue(c.value) && c.value !== null)
      byField.set(c.field, [...(byField.get(c.field) ?? []), c])
  }
  for (const [field, conds] of byField) {
    let lower: RangeBound | undefined
    let upper: RangeBound | undefined
    for (const c of conds) {
      const bound = { value: c.value as IndexValue, inclusive: c.op === 'gte' || c.op === 'lte' }
      if (c.op === 'gt' || c.op === 'gte') lower = bound
      else upper = bound
    }
    const descending = order?.field === field && order.descending && shape.indexedDescending.includes(field)
    out.push({
      path: { kind: 'indexRange', field, ...(lower ? { lower } : {}), ...(upper ? { upper } : {}), descending },
      score: 300,
      uses: conds,
    })
  }
  // Order alone: walk the index of the order field (or the records, for creation order).
  if (order && order.field !== 'id') {
    const canWalk = order.descending ? shape.indexedDescending.includes(order.field) : indexed.has(order.field)
    if (canWalk) out.push({ path: { kind: 'indexRange', field: order.field, descending: order.descending }, score: 100, uses: [] })
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
      if (want !== undefined && plan.conditions.length === 0 && plan.excludes.length === 0 && plan.ordered) {
        return {
          requests: Math.ceil(Math.max(want, 1) / 1000) + want,
          formula: `1 LIST per 1,000 records + ${want} GETs (a page in creation order)`,
        }
      }
      return { requests: null, formula: '1 LIST per 1,000 records + 1 GET per record read (full scan)' }
    default: {
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

function describe(path: AccessPath, scan: boolean): string {
  switch (path.kind) {
    case 'ids':
      return `get ${path.ids.length} record(s) by id`
    case 'unique':
      return `unique lookup on ${path.field}`
    case 'indexEq':
      return `index equality on ${path.field} (${path.values.length} value${path.values.length === 1 ? '' : 's'})`
    case 'indexRange':
      return `${path.lower || path.upper ? 'index range' : 'index walk'} on ${path.field}${path.descending ? ' (descending index)' : ''}${scan ? ' — reads every record' : ''}`
    case 'indexPrefix':
      return `index prefix on ${path.field}`
    case 'records':
      return scan ? 'FULL SCAN of the records (LIST + GET each), filtered in memory' : 'records in creation order'
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
  const coveredByIndex = state.excludes.length === 0 && conditions.every((c) => uses.has(c))
  const unbounded = path.kind === 'records' || (path.kind === 'indexRange' && !path.lower && !path.upper)
  const scan = unbounded && !(want !== undefined && ordered && conditions.length === 0 && state.excludes.length === 0)
  const base = {
    model: shape.name,
    path,
    ordered,
    coveredByIndex,
    scan,
    conditions,
    excludes: state.excludes,
    ...(order ? { order } : {}),
    ...(state.limit !== undefined ? { limit: state.limit } : {}),
    offset: state.offset,
  }
  return { ...base, predicted: formula(base), description: describe(path, scan) }
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
