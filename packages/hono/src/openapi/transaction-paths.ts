import { type AccessOperation, MAX_TRANSACTION_RECORDS, type Model } from '@s3verless/core'
import * as z from 'zod'
import { isPublic } from '../crud/access.js'
import { challenge } from './model-paths.js'
import { named, type OpenApiRegistry } from './openapi-registry.js'
import { type ModelSchemas, modelSchemas, problem } from './schemas.js'

const WRITES: readonly AccessOperation[] = ['create', 'update', 'delete']

/**
 * Documents `POST /transactions` ({@link transactionRoutes}) for the served `models`: the operations
 * as a union on `op`, `model` one of the served plurals, `data` the model's input (create) or patch
 * (update) schema. With auth, bearer security (optional when some model lets anonymous callers write,
 * since each operation passes its own model's rule) and the 401/403 answers.
 */
export function registerTransactionPaths(reg: OpenApiRegistry, models: readonly Model[], prefix: string, auth: boolean): void {
  const schemas = models.map(modelSchemas)
  // Each model's input, patch or record schema, by reference; `model` names which.
  const union = (of: keyof ModelSchemas) => z.union(schemas.map((s) => s[of]))
  const model = z.enum(models.map((m) => m.plural) as [string, ...string[]])
  const id = z.uuid()
  const ifMatch = z.string().optional().meta({ description: 'The ETag the record must be at (else 412)' })
  // A plain union (anyOf) with an OpenAPI discriminator: zod's discriminatedUnion would add 1.8 KB to
  // every bundle that serves the docs, and `op` tells the variants apart either way.
  const operation = z
    .union([
      named(z.object({ op: z.literal('create'), model, data: union('input') }), 'TransactionCreate'),
      named(z.object({ op: z.literal('update'), model, id, data: union('patch'), ifMatch }), 'TransactionUpdate'),
      named(z.object({ op: z.literal('delete'), model, id, ifMatch }), 'TransactionDelete'),
    ])
    .meta({ discriminator: { propertyName: 'op' } })
  const result = named(
    z.object({ op: z.enum(['create', 'update', 'delete']), model, id, record: union('record').optional() }),
    'TransactionResult',
  )
  const anonymous = models.some((m) => WRITES.some((op) => isPublic(m, op)))
  reg.registerPath({
    method: 'post',
    path: `${prefix}/transactions`,
    tags: ['Transactions'],
    ...(auth ? { security: anonymous ? [{ bearer: [] }, {}] : [{ bearer: [] }] } : {}),
    summary: `Create, update and delete records of several models: all or none (at most ${MAX_TRANSACTION_RECORDS} operations)`,
    description:
      "Each operation passes its model's access rule, as on the model's own routes. One refusal, conflict or invalid operation fails the whole request, with nothing written.",
    request: {
      body: {
        content: {
          'application/json': {
            schema: named(z.object({ operations: z.array(operation).min(1).max(MAX_TRANSACTION_RECORDS) }), 'TransactionRequest'),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Done: one result per operation, in order',
        content: { 'application/json': { schema: z.object({ results: z.array(result) }) } },
      },
      ...(auth
        ? {
            401: { ...problem('Sign in first (http.unauthorized)'), headers: challenge },
            403: problem('An access rule refuses an operation (http.forbidden)'),
          }
        : {}),
      404: problem('A record to update or delete is not found (or not yours)'),
      409: problem('A unique value is taken, or a concurrent change'),
      412: problem('An ifMatch names no current version'),
      413: problem('The body is larger than allowed'),
      422: problem('Invalid body or data (errors under operations[i]), too many operations, or a delete under relation rules'),
      503: problem("The store is not available (outcome 'unknown' if the commit may have landed)"),
    },
  })
}
