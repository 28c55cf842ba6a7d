import type { Model } from '@s3verless/core'
import type { MiddlewareHandler } from 'hono'
import { HttpError } from '../errors/http-error.js'
import { splitFilterKey } from './coerce-param.js'

/**
 * Refuses a field the model marks hidden (`hidden` in `defineModel`; the user model's password hash
 * and bookkeeping) wherever a request could use it to learn its values: a filter, an exclusion, an
 * order, a searched field. A filter on a hidden field answers only whether values match, one prefix
 * at a time, so it is refused outright (422 naming the field), never silently dropped.
 * @throws HttpError `http.validation` (422) naming the field and where it was used.
 */
export function refuseHiddenField(model: Model, field: string, where: string): void {
  if (!model.hidden.includes(field)) return
  throw new HttpError('http.validation', `${model.name}.${field} is hidden: it cannot be filtered, ordered or searched`, {
    field,
    errors: [{ path: [where], message: `"${field}" is a hidden field` }],
  })
}

/** {@link refuseHiddenField} over a list or search request: its filter and exclude keys, its order and any searched fields. */
export function refuseHiddenFields(
  model: Model,
  request: {
    filter?: Record<string, unknown>
    exclude?: Record<string, unknown> | undefined
    orderBy?: string | undefined
    fields?: readonly string[] | undefined
  },
): void {
  if (model.hidden.length === 0) return
  for (const [what, conditions] of [
    ['filter', request.filter],
    ['exclude', request.exclude],
  ] as const) {
    for (const key of Object.keys(conditions ?? {}))
      refuseHiddenField(model, splitFilterKey(key).field, what === 'filter' ? key : `exclude.${key}`)
  }
  if (request.orderBy) refuseHiddenField(model, request.orderBy.replace(/^-/, ''), 'orderBy')
  for (const field of request.fields ?? []) refuseHiddenField(model, field, 'fields')
}

/** A record (or each record of `items`) without the model's hidden fields. */
function stripped(model: Model, body: unknown): unknown {
  const strip = (value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
    const copy = { ...(value as Record<string, unknown>) }
    for (const field of model.hidden) delete copy[field]
    return copy
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body
  const object = body as Record<string, unknown>
  if (Array.isArray(object.items)) return { ...object, items: object.items.map(strip) }
  return 'id' in object ? strip(object) : body
}

/** Middleware taking a model's hidden fields out of every JSON answer of its routes (nothing to do for a model without any). */
export function stripHiddenFields(model: Model): MiddlewareHandler {
  return async (c, next) => {
    await next()
    if (model.hidden.length === 0 || !/^application\/json\b/i.test(c.res.headers.get('content-type') ?? '')) return
    const body = stripped(model, await c.res.clone().json())
    const headers = new Headers(c.res.headers)
    headers.delete('content-length')
    c.res = new Response(JSON.stringify(body), { status: c.res.status, headers })
  }
}
