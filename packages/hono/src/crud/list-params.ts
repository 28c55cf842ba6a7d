import type { FieldInfo, Model } from '@s3verless/core'
import { HttpError, validationError } from '../errors/http-error.js'
import type { FieldError } from '../errors/problem-details.js'
import { coerceFilterValue, splitFilterKey } from './coerce-param.js'

/** Query-string parameters of a list route that are not filters. */
export const LIST_CONTROL_PARAMS: ReadonlySet<string> = new Set([
  'orderBy',
  'order_by',
  'sort_by',
  'sort_order',
  'limit',
  'cursor',
  'page',
  'pageSize',
  'page_size',
  'q',
  'fields',
])

/** The values `sort_order` accepts. */
export const SORT_ORDERS: readonly string[] = ['asc', 'desc']

/** The fields a text search may read: the model's string fields (and arrays of strings), never a hidden one. */
export function textFields(model: Model): string[] {
  return Object.entries(model.fields)
    .filter(([name, f]) => (f.kind === 'string' || (f.kind === 'array' && f.element === 'string')) && !model.hidden.includes(name))
    .map(([name]) => name)
}

/**
 * Reads a text search's `fields` (default: every text field), pushing a 422 error for a field that
 * is unknown or holds no text.
 */
export function readSearchFields(model: Model, fields: readonly string[] | undefined, errors: FieldError[]): string[] | undefined {
  if (fields === undefined) return undefined
  const allowed = textFields(model)
  const bad = fields.filter((f) => !allowed.includes(f))
  if (bad.length) errors.push({ path: ['fields'], message: `not text fields: ${bad.join(', ')} (text fields: ${allowed.join(', ')})` })
  return [...fields]
}

/** A list request, read from its query string. */
export interface ListParams {
  filter: Record<string, unknown>
  /** `'-price'` for descending. */
  orderBy: string | undefined
  /** Cursor paging (the default): `limit` records after `cursor`. */
  limit: number
  cursor: string | undefined
  /** Page paging when `page` is given. */
  page: number | undefined
  pageSize: number
  /** A text search, from `q` (and `fields`). */
  search?: { text: string; fields?: string[] }
}

const TIMESTAMP: FieldInfo = { kind: 'date', optional: false, nullable: false }
const ID: FieldInfo = { kind: 'string', optional: false, nullable: false }

/** Every field a filter or an order may name: the schema's, `id`, `createdAt`, `updatedAt`. */
export function filterableFields(model: Model): Record<string, FieldInfo> {
  return { ...model.fields, id: ID, createdAt: TIMESTAMP, updatedAt: TIMESTAMP }
}

function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number, errors: FieldError[]): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push({ path: [name], message: `must be a whole number from ${min} to ${max}` })
    return fallback
  }
  return n
}

/**
 * Reads filters, order and paging from a query string. Filter values are coerced by the field's
 * kind; a value of the wrong kind is a 422 naming the parameter, an unknown field or operator a
 * 400 naming it.
 * @throws HttpError `query.unknownField`, `query.unknownOperator` (400), `http.validation` (422)
 */
export function readListParams(
  model: Model,
  params: Record<string, string[]>,
  limits: { maxLimit: number; defaultLimit: number },
): ListParams {
  const fields = filterableFields(model)
  const filter: Record<string, unknown> = {}
  const errors: FieldError[] = []
  const one = (name: string) => params[name]?.[params[name].length - 1]
  for (const [key, values] of Object.entries(params)) {
    if (LIST_CONTROL_PARAMS.has(key)) continue
    const split = splitFilterKey(key)
    const info = Object.hasOwn(fields, split.field) ? fields[split.field] : undefined
    if ('unknownOperator' in split) {
      throw new HttpError(
        info ? 'query.unknownOperator' : 'query.unknownField',
        info
          ? `Unknown filter operator "${split.unknownOperator}" in "${key}"`
          : `Unknown filter field "${split.field}" in "${key}" (fields: ${Object.keys(fields).join(', ')})`,
        info ? { key, operator: split.unknownOperator } : { key, field: split.field },
      )
    }
    if (!info) {
      throw new HttpError('query.unknownField', `Unknown filter field "${split.field}" (fields: ${Object.keys(fields).join(', ')})`, {
        key,
        field: split.field,
      })
    }
    const coerced = coerceFilterValue(values, split.operator, info)
    if (coerced.ok) filter[key] = coerced.value
    else errors.push({ path: [key], message: coerced.message })
  }
  let orderBy = one('orderBy') ?? one('order_by')
  const sortBy = one('sort_by')
  const sortOrder = one('sort_order')
  if (sortOrder !== undefined && !SORT_ORDERS.includes(sortOrder.toLowerCase()))
    errors.push({ path: ['sort_order'], message: `must be asc or desc, got ${JSON.stringify(sortOrder)}` })
  if (!orderBy && sortBy) orderBy = sortOrder?.toLowerCase() === 'desc' ? `-${sortBy}` : sortBy
  if (orderBy) {
    const field = orderBy.replace(/^-/, '')
    if (!Object.hasOwn(fields, field)) {
      throw new HttpError('query.unknownField', `Cannot order by unknown field "${field}" (fields: ${Object.keys(fields).join(', ')})`, {
        field,
      })
    }
  }
  const limit = whole('limit', one('limit'), limits.defaultLimit, 0, limits.maxLimit, errors)
  const pageRaw = one('page')
  const page = pageRaw === undefined ? undefined : whole('page', pageRaw, 1, 1, 1_000_000, errors)
  const pageSize = whole('pageSize', one('pageSize') ?? one('page_size'), limits.defaultLimit, 1, limits.maxLimit, errors)
  const text = one('q')
  const fieldList = one('fields')
  const searchFields = readSearchFields(model, fieldList === undefined ? undefined : fieldList.split(',').filter(Boolean), errors)
  if (errors.length) throw validationError('Invalid query string', errors)
  return {
    filter,
    orderBy: orderBy || undefined,
    limit,
    cursor: one('cursor') || undefined,
    page,
    pageSize,
    ...(text ? { search: { text, ...(searchFields ? { fields: searchFields } : {}) } } : {}),
  }
}
