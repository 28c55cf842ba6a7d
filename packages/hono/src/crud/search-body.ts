import { HttpError } from '../errors/http-error.js'
import { isObject } from './body.js'
import type { ListRequest } from './list-records.js'

const whole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

/**
 * Reads a search body: `{ filter?, exclude?, orderBy?, limit?, cursor?, page?, pageSize? }`, with
 * filters as JSON values (`{ "price__gt": 3, "category__in": ["a", "b"] }`; dates as ISO strings).
 * Unknown fields and operators are refused by the query package (400).
 * @throws HttpError `http.validation` (422) naming each malformed member.
 */
export function readSearch(body: unknown, limits: { maxLimit: number; defaultLimit: number }): ListRequest {
  if (!isObject(body))
    throw new HttpError('http.validation', 'The body must be a JSON object', { errors: [{ path: [], message: 'expected an object' }] })
  const errors: { path: string[]; message: string }[] = []
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
  if (errors.length) throw new HttpError('http.validation', 'Invalid search', { errors })
  return {
    filter,
    exclude,
    orderBy: orderBy as string | undefined,
    limit: limit as number,
    cursor: body.cursor as string | undefined,
    page: body.page as number | undefined,
    pageSize: pageSize as number,
  }
}
