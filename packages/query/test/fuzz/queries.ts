import type { RefCondition, RefQuery } from './reference.js'
import type { Rng } from './rng.js'
import { DATE_MS, ENUM_VALUES, isoSpellings, type Kind, NOT_DATES, NUMBERS, STRINGS } from './values.js'
import type { FieldSpec, Rec } from './world.js'

/** One generated condition: the filter key and operand the engine gets, and what the reference reads. */
export interface GenCondition {
  key: string
  engine: unknown
  ref: RefCondition
}

/** One generated query. `refused` names the error code the engine must answer with instead of results. */
export interface GenQuery {
  filters: GenCondition[][]
  excludes: GenCondition[][]
  order?: { field: string; descending: boolean }
  offset?: number
  limit?: number
  refused?: string
}

type QKind = Kind | 'id'
interface QField {
  name: string
  kind: QKind
  indexed: boolean
  unique: boolean
}

const OPS: Record<QKind, RefCondition['op'][]> = {
  string: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'icontains', 'startswith', 'endswith', 'isnull'],
  enum: ['eq', 'ne', 'gt', 'lt', 'in', 'nin', 'startswith', 'icontains', 'isnull'],
  id: ['eq', 'in', 'ne', 'gt', 'lte', 'nin', 'startswith'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'],
  boolean: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'],
  array: ['contains', 'isnull'],
}
const RANGE = new Set(['gt', 'gte', 'lt', 'lte'])
const ALIASES: Partial<Record<RefCondition['op'], string>> = { ne: 'neq', nin: 'not_in', startswith: 'starts_with', endswith: 'ends_with' }

/** The fields a query may name: the model's and `id`, `createdAt`, `updatedAt`. */
export function queryFields(fields: FieldSpec[], indexed: ReadonlySet<string>): QField[] {
  return [
    ...fields.map((f) => ({ name: f.name, kind: f.kind as QKind, indexed: f.indexed, unique: f.unique })),
    { name: 'id', kind: 'id' as const, indexed: false, unique: false },
    { name: 'createdAt', kind: 'date' as const, indexed: indexed.has('createdAt'), unique: false },
    { name: 'updatedAt', kind: 'date' as const, indexed: indexed.has('updatedAt'), unique: false },
  ]
}

/** A value some record holds for `field` (or undefined when there are no records). */
const held = (rng: Rng, records: readonly Rec[], field: string): unknown =>
  records.length === 0 ? undefined : (rng.pick(records)[field] ?? null)

/** Cuts a string at a random UTF-16 position (which may split a surrogate pair). */
const cut = (rng: Rng, s: string, fromStart: boolean) => {
  const at = rng.int(s.length + 1)
  return fromStart ? s.slice(0, at) : s.slice(at)
}

/** Whether a comparison operand of this kind is accepted for a field of `kind` (ids and arrays are not checked). */
function fitsKind(kind: QKind, v: unknown): boolean {
  if (kind === 'number') return typeof v === 'number'
  if (kind === 'string' || kind === 'enum') return typeof v === 'string'
  if (kind === 'boolean') return typeof v === 'boolean'
  if (kind === 'date') return v instanceof Date
  return true
}

/** An operand for `op` on `field`: the engine's value and the reference's reading of it. */
function operand(
  rng: Rng,
  field: QField,
  op: RefCondition['op'],
  records: readonly Rec[],
): { engine: unknown; ref: unknown; refused?: boolean } {
  const fromRecord = rng.chance(0.6) ? held(rng, records, field.name) : undefined
  const textOp = op === 'startswith' || op === 'endswith' || op === 'icontains'
  if (!textOp && rng.chance(0.04)) {
    // Another kind than the field's: a comparison with it is refused (query.invalidFilter) rather than
    // silently matching nothing; the reference never sees it.
    const other = rng.pick<unknown>([5, 'x', true, new Date(DATE_MS[3] as number)])
    return { engine: other, ref: other, refused: op !== 'contains' && !fitsKind(field.kind, other) }
  }
  switch (field.kind) {
    case 'string':
    case 'enum':
    case 'id': {
      const base =
        typeof fromRecord === 'string'
          ? fromRecord
          : field.kind === 'enum'
            ? rng.pick([...ENUM_VALUES, 'zeta', 'ALPHA'])
            : field.kind === 'id'
              ? (rng.pick(records.length ? records : [{ id: rng.uuid() } as Rec]).id as string)
              : rng.pick(STRINGS)
      let v = base
      // A full id in upper case means the same id (ids are stored lower-case).
      if (field.kind === 'id' && !['startswith', 'endswith', 'contains', 'icontains'].includes(op) && rng.chance(0.15))
        return { engine: base.toUpperCase(), ref: base }
      if (op === 'startswith') v = cut(rng, base, true)
      else if (op === 'endswith' || op === 'contains') v = rng.chance(0.5) ? cut(rng, base, false) : cut(rng, cut(rng, base, true), false)
      else if (op === 'icontains') v = rng.chance(0.5) ? cut(rng, base, true).toUpperCase() : cut(rng, base, false).toLowerCase()
      // Ordering needs well-formed text: a lone surrogate has no UTF-8 bytes to compare by (its order is unspecified).
      else if (RANGE.has(op) && rng.chance(0.3)) v = cut(rng, base, true).replace(/\p{Cs}$/u, '')
      return { engine: v, ref: v }
    }
    case 'number': {
      const v = typeof fromRecord === 'number' ? fromRecord : rng.pick(NUMBERS)
      return { engine: v, ref: v }
    }
    case 'boolean': {
      const v = rng.chance(0.5)
      return { engine: v, ref: v }
    }
    case 'date': {
      const ms = fromRecord instanceof Date ? fromRecord.getTime() : rng.pick(DATE_MS)
      const r = rng.next()
      if (r < 0.55) return { engine: new Date(ms), ref: new Date(ms) }
      if (r < 0.93) return { engine: rng.pick(isoSpellings(ms)), ref: new Date(ms) }
      const junk = rng.pick(NOT_DATES)
      return { engine: junk, ref: junk, refused: true } // not a date: refused, like any operand of another kind
    }
    case 'array': {
      const v = rng.pick(STRINGS.slice(0, 12))
      return { engine: v, ref: v }
    }
  }
}

function condition(rng: Rng, field: QField, records: readonly Rec[], forcedOp?: RefCondition['op']): GenCondition & { refused?: boolean } {
  const op = forcedOp ?? rng.pick(OPS[field.kind])
  if (op === 'isnull') {
    const v = rng.chance(0.5)
    if (rng.chance(0.3))
      return { key: `${field.name}__${v ? 'is_null' : 'is_not_null'}`, engine: true, ref: { field: field.name, op, value: v } }
    return { key: `${field.name}__isnull`, engine: v, ref: { field: field.name, op, value: v } }
  }
  if (op === 'in' || op === 'nin') {
    const items = Array.from({ length: 1 + rng.int(4) }, () =>
      rng.chance(0.1) ? { engine: null, ref: null } : operand(rng, field, 'eq', records),
    )
    const fixed = items
    return {
      key: `${field.name}__${op === 'nin' && rng.chance(0.3) ? 'not_in' : op}`,
      engine: fixed.map((i) => i.engine),
      ref: { field: field.name, op, value: fixed.map((i) => i.ref) },
      refused: items.some((i) => 'refused' in i && i.refused),
    }
  }
  const o = operand(rng, field, op, records)
  const value = o.ref
  const nullable = op === 'eq' || op === 'ne'
  const engine = nullable && rng.chance(0.05) ? null : o.engine
  const alias = ALIASES[op] && rng.chance(0.2) ? ALIASES[op] : op
  const key = op === 'eq' && rng.chance(0.5) ? field.name : `${field.name}__${alias}`
  return {
    key,
    engine,
    ref: { field: field.name, op, value: engine === null ? null : value },
    ...(o.refused && engine !== null ? { refused: true } : {}),
  }
}

/** A random query over `fields`, biased towards what indexes and claims can serve. */
export function randomQuery(rng: Rng, fields: QField[], records: readonly Rec[]): GenQuery {
  const filters: GenCondition[][] = []
  const excludes: GenCondition[][] = []
  let refused = false
  const add = (c: GenCondition & { refused?: boolean }, into: GenCondition[][], separate: boolean) => {
    refused ||= c.refused === true
    const { refused: _, ...plainCondition } = c
    if (separate || into.length === 0) into.push([plainCondition])
    else {
      const last = into.at(-1) as GenCondition[]
      if (last.some((x) => x.key === plainCondition.key)) into.push([plainCondition])
      else last.push(plainCondition)
    }
  }
  const preferred = fields.filter((f) => f.indexed || f.unique || f.name === 'id')
  const n = rng.pick([0, 1, 1, 1, 2, 2, 3])
  for (let i = 0; i < n; i++) {
    const field = rng.chance(0.7) && preferred.length > 0 ? rng.pick(preferred) : rng.pick(fields)
    const c = condition(rng, field, records)
    add(c, filters, rng.chance(0.5))
    // A second bound on the same field, often on the same side.
    if (RANGE.has(c.ref.op) && rng.chance(0.5)) add(condition(rng, field, records, rng.pick(['gt', 'gte', 'lt', 'lte'])), filters, true)
  }
  if (rng.chance(0.2)) {
    const group: GenCondition[] = []
    for (let i = 0; i < 1 + rng.int(2); i++) {
      const c = condition(rng, rng.pick(fields), records)
      if (group.some((x) => x.key === c.key)) continue
      refused ||= c.refused === true
      group.push({ key: c.key, engine: c.engine, ref: c.ref })
    }
    excludes.push(group)
  }
  const orderable = fields.filter((f) => f.kind !== 'array')
  const ranged = filters.flat().find((c) => RANGE.has(c.ref.op))
  const order =
    ranged && rng.chance(0.4)
      ? { field: ranged.ref.field, descending: rng.chance(0.6) }
      : rng.chance(0.6)
        ? {
            field: (rng.chance(0.5) ? rng.pick(orderable.filter((f) => f.indexed).concat(orderable)) : rng.pick(orderable)).name,
            descending: rng.chance(0.5),
          }
        : undefined
  return {
    filters,
    excludes,
    ...(order ? { order } : {}),
    ...(rng.chance(0.25) ? { offset: rng.int(6) } : {}),
    ...(rng.chance(0.45) ? { limit: rng.int(8) } : {}),
    ...(refused ? { refused: 'query.invalidFilter' } : {}),
  }
}

/** The reference's reading of a generated query. */
export function refQuery(q: GenQuery): RefQuery {
  return {
    conditions: q.filters.flat().map((c) => c.ref),
    excludes: q.excludes.map((g) => g.map((c) => c.ref)),
    ...(q.order ? { order: q.order } : {}),
    offset: q.offset ?? 0,
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
  }
}

/** A short text of a query, to reproduce a discrepancy. */
export function describeQuery(q: GenQuery): string {
  const show = (v: unknown): string =>
    v instanceof Date
      ? `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`
      : typeof v === 'string' && v.length > 40
        ? `${JSON.stringify(v.slice(0, 20))}…(${v.length})`
        : Array.isArray(v)
          ? `[${v.map(show).join(', ')}]`
          : JSON.stringify(v)
  const group = (g: GenCondition[]) => `{ ${g.map((c) => `${c.key}: ${show(c.engine)}`).join(', ')} }`
  return [
    ...q.filters.map((g) => `.filter(${group(g)})`),
    ...q.excludes.map((g) => `.exclude(${group(g)})`),
    q.order ? `.orderBy('${q.order.descending ? '-' : ''}${q.order.field}')` : '',
    q.offset !== undefined ? `.offset(${q.offset})` : '',
    q.limit !== undefined ? `.limit(${q.limit})` : '',
  ].join('')
}
