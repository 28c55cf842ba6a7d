import type { AccessOperation, Model } from '@s3verless/core'
import * as z from 'zod'
import { type AccessSubject, isPublic, ruleOf } from '../crud/access.js'
import { filterableFields, SORT_ORDERS, textFields } from '../crud/list-params.js'
import type { OpenApiRegistry } from './openapi-registry.js'
import { modelSchemas, problem } from './schemas.js'

const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } })

const location = { Location: { schema: { type: 'string' as const }, description: 'The URL of what was created' } }
const allow = { Allow: { schema: { type: 'string' as const }, description: 'The methods the path takes' } }

/** The challenge header of a 401. */
export const challenge = {
  'WWW-Authenticate': {
    schema: { type: 'string' as const },
    description: 'Bearer, with error="invalid_token" when the token sent was refused',
  },
}

/**
 * Documents one model's CRUD routes in the app's OpenAPI registry (the routes themselves are
 * plain Hono routes, so their types flow to `hc`).
 */
export function registerModelPaths(reg: OpenApiRegistry, model: Model, prefix: string): void {
  const { input, patch, record } = modelSchemas(model)
  const base = `${prefix}/${model.plural}`
  const tags = [model.name]
  const base400 = problem('Unknown filter field or operator, or a query over its maxScan (with the plan)')
  const common = {
    405: { ...problem('The path does not take this method'), headers: allow },
    422: problem('Invalid input, with per-field errors (a malformed or tampered cursor, a bad filter operand, an unknown search member)'),
    503: problem('The object store or an index is not available'),
  }
  /** An operation's security requirement (none when public) and its rule in words. */
  const rule = (op: AccessOperation) => accessSpec(model, op)
  /** An operation's errors: 401 (with its challenge) and 403 as its rule allows, and the common ones. */
  const errorsOf = (op: AccessOperation) => {
    const access: Record<number, ReturnType<typeof problem> & { headers?: typeof challenge }> = accessErrors(model, op)
    if (access[401]) access[401] = { ...access[401], headers: challenge }
    return { 400: base400, ...access, ...common }
  }
  const tooLarge = { 413: problem('The body is larger than allowed') }
  const ifMatch = z.object({
    'If-Match': z.string().optional().meta({
      description:
        'Write only if the record is at one of these versions: a list of strong tags ("a", "b"; W/ tags never match), or * for any existing record',
    }),
  })
  const texts = textFields(model)
  const id = z.object({ id: z.uuid() })
  const etag = { ETag: { schema: { type: 'string' as const }, description: 'The record version, for If-Match / If-None-Match' } }
  const filters = Object.fromEntries(
    Object.keys(filterableFields(model)).map((name) => [
      name,
      z
        .string()
        .optional()
        .meta({
          description: `Filter: \`${name}=v\`, or \`${name}__op=v\` with op one of gt, gte, lt, lte, ne, in, nin, contains, icontains, startswith, endswith, isnull`,
        }),
    ]),
  )
  const page = z.object({
    items: z.array(record),
    nextCursor: z.string().nullable().meta({ description: 'Opaque (sealed with the app secret); pass it back as `cursor`' }),
    skipped: z.number().int().optional().meta({ description: 'Corrupt records met on this page and left out (not in totalCount)' }),
  })
  const search = {
    q: z.string().optional().meta({
      description: `Text searched case-insensitively, any of \`fields\` matching (no index serves it: checked on each record read; a scan on its own, within maxScan)`,
    }),
    fields: z
      .string()
      .optional()
      .meta({ description: `Comma-separated fields for \`q\` (default all text fields: ${texts.join(', ') || 'none'})` }),
  }
  reg.registerPath({
    method: 'get',
    path: base,
    tags,
    ...rule('list'),
    summary: `List ${model.plural}`,
    request: {
      query: z.object({
        ...filters,
        ...search,
        orderBy: z.string().optional().meta({ description: 'A field, "-" first for descending' }),
        sort_by: z.string().optional().meta({ description: 'A field (with sort_order)' }),
        sort_order: z.enum(SORT_ORDERS as [string, ...string[]]).optional(),
        limit: z.string().optional(),
        cursor: z.string().optional(),
        page: z.string().optional(),
        pageSize: z.string().optional(),
      }),
    },
    responses: { 200: json('A page of records', page), ...errorsOf('list') },
  })
  reg.registerPath({
    method: 'post',
    path: base,
    tags,
    ...rule('create'),
    summary: `Create a ${model.name}`,
    request: { body: { content: { 'application/json': { schema: input } } } },
    responses: {
      201: { ...json('Created', record), headers: { ...etag, ...location } },
      409: problem('A unique value is taken'),
      ...tooLarge,
      ...errorsOf('create'),
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${base}/bulk`,
    tags,
    ...rule('create'),
    summary: `Create many ${model.plural} (all validated first)`,
    request: { body: { content: { 'application/json': { schema: z.object({ items: z.array(input) }) } } } },
    responses: {
      201: { ...json('Created', z.object({ items: z.array(record) })), headers: location },
      409: problem('A unique value is taken'),
      ...tooLarge,
      ...errorsOf('create'),
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${base}/bulk/delete`,
    tags,
    ...rule('delete'),
    summary: `Delete many ${model.plural}`,
    request: { body: { content: { 'application/json': { schema: z.object({ ids: z.array(z.uuid()) }) } } } },
    responses: {
      200: json('How many were deleted (each record once, however its id is spelled)', z.object({ deleted: z.number().int() })),
      404: problem('Some ids are unknown (or not yours): listed in `ids`, nothing deleted'),
      ...tooLarge,
      ...errorsOf('delete'),
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${base}/search`,
    tags,
    ...rule('list'),
    summary: `Search ${model.plural} with JSON filters`,
    request: {
      body: {
        content: {
          'application/json': {
            schema: z
              .object({
                filter: z.record(z.string(), z.unknown()).optional(),
                exclude: z.record(z.string(), z.unknown()).optional(),
                q: search.q,
                fields: z
                  .array(z.string())
                  .optional()
                  .meta({ description: `Fields for \`q\` (default: ${texts.join(', ') || 'none'})` }),
                explain: z
                  .boolean()
                  .optional()
                  .meta({ description: 'Answer { plan } (the access path and predicted requests) without reading records' }),
                orderBy: z.string().optional(),
                limit: z.number().int().optional(),
                cursor: z.string().optional(),
                page: z.number().int().optional(),
                pageSize: z.number().int().optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: { 200: json('A page of records, or { plan } with explain', page), ...tooLarge, ...errorsOf('list') },
  })
  reg.registerPath({
    method: 'get',
    path: `${base}/{id}`,
    tags,
    ...rule('get'),
    summary: `Get a ${model.name}`,
    request: {
      params: id,
      headers: z.object({
        'If-None-Match': z.string().optional().meta({ description: 'Answer 304 when one of these versions is current' }),
      }),
    },
    responses: {
      200: { ...json('The record', record), headers: etag },
      304: { description: 'Not modified (If-None-Match)' },
      404: problem('Not found'),
      ...errorsOf('get'),
    },
  })
  // PATCH and PUT differ only in their summary and body: a partial or a whole record.
  for (const [method, summary, schema] of [
    ['patch', `Change some fields of a ${model.name}`, patch],
    ['put', `Replace a ${model.name}`, input],
  ] as const) {
    reg.registerPath({
      method,
      path: `${base}/{id}`,
      tags,
      ...rule('update'),
      summary,
      request: {
        params: id,
        headers:
          method === 'put'
            ? ifMatch.extend({
                'If-None-Match': z
                  .string()
                  .optional()
                  .meta({ description: '* creates the record with this id, only if it does not exist (412 if it does)' }),
              })
            : ifMatch,
        body: { content: { 'application/json': { schema } } },
      },
      responses: {
        200: { ...json('The record', record), headers: etag },
        ...(method === 'put' ? { 201: { ...json('Created (If-None-Match: *)', record), headers: { ...etag, ...location } } } : {}),
        404: problem('Not found'),
        409: problem('A unique value is taken, or a concurrent change'),
        412: problem(
          method === 'put'
            ? 'If-Match names no current version, or If-None-Match: * found the record'
            : 'If-Match names no current version',
        ),
        ...tooLarge,
        ...errorsOf('update'),
      },
    })
  }
  reg.registerPath({
    method: 'delete',
    path: `${base}/{id}`,
    tags,
    ...rule('delete'),
    summary: `Delete a ${model.name}`,
    request: { params: id, headers: ifMatch },
    responses: {
      204: { description: 'Deleted' },
      404: problem('Not found'),
      409: problem('Related records restrict the delete'),
      412: problem('If-Match names no current version'),
      ...errorsOf('delete'),
    },
  })
}

/** The words for a rule in an operation's description. */
function ruleInWords(subject: Model | AccessSubject, op: AccessOperation): string {
  const rule = ruleOf(subject, op)
  if (rule === 'public') return 'public: no sign-in needed'
  if (rule === 'signedIn') return 'any signed-in user'
  if (rule === 'owner') return `the owner (\`${subject.ownerField}\`) of each record; admins all`
  if (typeof rule === 'function') return "signed-in users the application's own rule accepts; admins all"
  return rule.role === 'admin' ? 'admins only' : `users with the "${rule.role}" role, and admins`
}

/**
 * The OpenAPI face of an operation's access rule: a bearer security requirement unless the rule
 * is public (a public operation has no `security`), and the rule in its description.
 */
export function accessSpec(
  subject: Model | AccessSubject,
  op: AccessOperation,
): { security?: Record<string, string[]>[]; description: string } {
  const description = `Access (${op} rule): ${ruleInWords(subject, op)}.`
  return isPublic(subject, op) ? { description } : { security: [{ bearer: [] }], description }
}

/** The 401 and 403 answers an operation's rule can give (none for a public one; delete may be refused for its cascade). */
export function accessErrors(
  subject: Model | AccessSubject,
  op: AccessOperation,
  cascades = true,
): Record<number, ReturnType<typeof problem>> {
  const rule = ruleOf(subject, op)
  const out: Record<number, ReturnType<typeof problem>> = {}
  if (rule !== 'public') out[401] = problem('Sign in first (http.unauthorized)')
  if (rule !== 'public' && rule !== 'signedIn') out[403] = problem('Signed in, but the access rule refuses it (http.forbidden)')
  if (op === 'delete' && cascades)
    out[403] = problem(
      'The access rule refuses it (http.forbidden), or a cascade would delete records you may not (access.cascadeForbidden)',
    )
  return out
}
