import { type Database, isUuid, MAX_TRANSACTION_RECORDS, type Model, transaction } from '@s3verless/core'
import { Hono } from 'hono'
import type { S3verlessEnv } from '../app/env.js'
import { HttpError } from '../errors/http-error.js'
import { accessFor, checkInput, checkRecord } from './access.js'
import { clientInput, isObject, readJson } from './body.js'
import { bare } from './etag.js'
import { preconditionFailed } from './preconditions.js'

type Operation =
  | { op: 'create'; model: Model; data: Record<string, unknown> }
  | { op: 'update'; model: Model; id: string; data: Record<string, unknown>; ifMatch?: string }
  | { op: 'delete'; model: Model; id: string; ifMatch?: string }

const invalid = (message: string, path: (string | number)[]) => new HttpError('http.validation', message, { errors: [{ path, message }] })

/** Reads and checks the body's operations (before any request to the store). @throws HttpError `http.validation` (422) */
function readOperations(body: unknown, models: readonly Model[]): Operation[] {
  const list = isObject(body) ? body.operations : undefined
  if (!Array.isArray(list) || list.length === 0) throw invalid('Send { "operations": [ … ] } with at least one operation', ['operations'])
  if (list.length > MAX_TRANSACTION_RECORDS) {
    throw invalid(`A transaction takes at most ${MAX_TRANSACTION_RECORDS} operations, got ${list.length}`, ['operations'])
  }
  return list.map((item, i): Operation => {
    const at = (field: string) => ['operations', i, field]
    if (!isObject(item)) throw invalid('expected an object', ['operations', i])
    const model = models.find((m) => m.plural === item.model)
    if (!model) throw invalid(`unknown model "${String(item.model)}" (one of: ${models.map((m) => m.plural).join(', ')})`, at('model'))
    const ifMatch = typeof item.ifMatch === 'string' ? { ifMatch: bare(item.ifMatch) } : {}
    if (item.op === 'create') return { op: 'create', model, data: clientInput(item.data, model.ownerField, at('data')) }
    if (item.op !== 'update' && item.op !== 'delete') throw invalid('op must be "create", "update" or "delete"', at('op'))
    if (typeof item.id !== 'string' || !isUuid(item.id)) throw invalid('id must be a record id (a UUID)', at('id'))
    const id = item.id.toLowerCase()
    if (item.op === 'delete') return { op: 'delete', model, id, ...ifMatch }
    return { op: 'update', model, id, data: clientInput(item.data, model.ownerField, at('data')), ...ifMatch }
  })
}

/**
 * `POST /transactions`: a list of creates, updates (patches) and deletes on any models the API
 * serves, applied all or none (`transaction` from core). Each operation passes its model's access
 * rule for the caller: the gate before anything is read, a record rule on the version the
 * transaction reads (and validates at its commit), a create rule on the input. Answers 200 with
 * `{ results: [{ op, model, id, record? }] }`; any refusal or conflict fails the whole request
 * (problem+json: 401/403/404/409/412/422) with nothing written.
 */
export function transactionRoutes(models: readonly Model[], database: Database): Hono<S3verlessEnv> {
  return new Hono<S3verlessEnv>({ strict: false }).post('/', async (c) => {
    const operations = readOperations(await readJson(c), models)
    const access = operations.map((o) => accessFor(o.model, o.op, c))
    const results = await transaction(database, async (tx) => {
      const out: Record<string, unknown>[] = []
      for (const [i, o] of operations.entries()) {
        const { user, userId } = access[i] as (typeof access)[number]
        const repo = tx.repository(o.model)
        if (o.op === 'create') {
          if (o.model.ownerField && userId) o.data[o.model.ownerField] = userId
          await checkInput(o.model, user, o.data, i)
          const record = await repo.create(o.data as never)
          out.push({ op: o.op, model: o.model.plural, id: record.id, record: visible(o.model, record) })
          continue
        }
        const notFound = () =>
          new HttpError('model.notFound', `${o.model.name} ${o.id} not found`, { model: o.model.name, id: o.id, operation: i })
        const current = await repo.get(o.id)
        if (!current) throw notFound()
        // The record rule first: a record the caller may not see is 404 whatever ifMatch says.
        await checkRecord(o.model, o.op, user, current as Record<string, unknown>, notFound, o.op === 'update' ? o.data : undefined)
        if (o.ifMatch !== undefined && bare(current.$etag) !== o.ifMatch)
          throw preconditionFailed(o.model, o.id, `operation ${i}: If-Match names no current version`)
        if (o.op === 'delete') {
          await repo.delete(o.id)
          out.push({ op: o.op, model: o.model.plural, id: o.id })
        } else {
          const record = await repo.update(o.id, o.data as never)
          out.push({ op: o.op, model: o.model.plural, id: o.id, record: visible(o.model, record) })
        }
      }
      return out
    })
    return c.json({ results }, 200)
  })
}

/** A record without its model's hidden fields. */
function visible(model: Model, record: object): Record<string, unknown> {
  const copy = { ...(record as Record<string, unknown>) }
  for (const field of model.hidden) delete copy[field]
  return copy
}
