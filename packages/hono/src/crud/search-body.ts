import type { Model } from '@s3verless/core'
import { HttpError } from '../errors/http-error.js'
import type { FieldError } from '../errors/problem-details.js'
import { isObject } from './body.js'
import { readSearchFields } from './list-params.js'
import type { ListRequest } from './list-records.js'

/** The members a search body may have: anything else is refused (a typo would otherwise widen the answer in silence). */
export const SEARCH_BODY_KEYS: readonly string[] = [
  'filter',
  'exclude',
  'q',
  'fields',
  'orderBy',
  'limit',
  'cursor',
  'page',
  'pageSize',
  'explain',
]

const whole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

/** A search request, plus whether only its plan is wanted. */
export type SearchRequest = ListRequest & { explain: boolean }

/**
 * Reads a search body: `{ filter?, exclude?, q?, fields?, orderBy?, limit?, cursor?, page?, pageSize?, explain? }`,
 * with filters as JSON values (`{ "price__gt": 3, "category__in": ["a", "b"] }`; dates as ISO
 * strings), `q` a text searched case-insensitively in `fields` (default: the model's string fields),
 * and `explain: true` for the plan alone. Unknown filter fields and operators are refused by the
 * query package (400).
 * @throws HttpError `http.validation` (422) naming each malformed or unknown member.
 */
export function readSearch(model: Model, body: unknown, limits: { maxLimit: number; defaultLimit: number }): SearchRequest {
  if (!isObject(body))
    throw new HttpError('http.validation', 'The body must be a JSON object', { errors: [{ path: [], message: 'expected an object' }] })
  const errors: FieldError[] = []
  for (const key of Object.keys(body)) {
    if (!SEARCH_BODY_KEYS.includes(key)) errors.push({ path: [key], message: `unknown member (members: ${SEARCH_BODY_KEYS.join(', ')})` })
  }
  const objectAt = (name: string) => {
    const value = body[name]
    if (value === undefined) return {}
    if (isObject(value)) return value
    errors.push({ path: [name], message: 'expected an object of field conditions' })
    return {}
  }
  const filter = objectAt('filter')
  const exclude = objectAt('exclude')
  const orderBy = body.orderBy
  if (orderBy !== undefined && typeof orderBy !== 'string')
    errors.push({ path: ['orderBy'], message: 'expected a field name, "-" first for descending' })
  const limit = body.limit ?? limits.defaultLimit
  if (!whole(limit, 0, limits.maxLimit)) errors.push({ path: ['limit'], message: `expected a whole number from 0 to ${limits.maxLimit}` })
  const pageSize = body.pageSize ?? limits.defaultLimit
  if (!whole(pageSize, 1, limits.maxLimit))
    errors.push({ path: ['pageSize'], message: `expected a whole number from 1 to ${limits.maxLimit}` })
  if (body.page !== undefined && !whole(body.page, 1, 1_000_000)) errors.push({ path: ['page'], message: 'expected a whole number from 1' })
  if (body.cursor !== undefined && typeof body.cursor !== 'string') errors.push({ path: ['cursor'], message: 'expected a cursor string' })
  if (body.explain !== undefined && typeof body.explain !== 'boolean') errors.push({ path: ['explain'], message: 'expected true or false' })
  const text = body.q
  if (text !== undefined && typeof text !== 'string') errors.push({ path: ['q'], message: 'expected the text to search for' })
  let fields: string[] | undefined
  if (body.fields !== undefined) {
    if (!Array.isArray(body.fields) || body.fields.some((f) => typeof f !== 'string'))
      errors.push({ path: ['fields'], message: 'expected an array of field names' })
    else fields = readSearchFields(model, body.fields as string[], errors)
  }
  if (errors.length) throw new HttpError('http.validation', 'Invalid search', { errors })
  return {
    filter,
    exclude,
    orderBy: orderBy as string | undefined,
    limit: limit as number,
    cursor: body.cursor as string | undefined,
    page: body.page as number | undefined,
    pageSize: pageSize as number,
    explain: body.explain === true,
    ...(typeof text === 'string' && text !== '' ? { search: { text, ...(fields ? { fields } : {}) } } : {}),
  }
}
