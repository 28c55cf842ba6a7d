import type { InferRecord, Model, Repository, Stored } from '@s3verless/core'
import { Hono } from 'hono'
import type { S3verlessEnv } from '../app/env.js'
import { errorHandler } from '../errors/error-handler.js'
import { HttpError } from '../errors/http-error.js'
import { accessFor, type ModelAccess, visible } from './access.js'
import { clientInput, isObject, readJson } from './body.js'
import { CRUD_DEFAULTS, type CrudContext, type ModelRoutesOptions } from './crud-context.js'
import { etagOf, ifMatchOf, matchesIfNoneMatch } from './etag.js'
import { stripHiddenFields } from './hidden-fields.js'
import { readListParams } from './list-params.js'
import { listRecords } from './list-records.js'
import type { ModelRoutes } from './model-routes-types.js'
import { readSearch } from './search-body.js'

const notFound = (model: Model, id: string) => new HttpError('model.notFound', `${model.name} ${id} not found`, { model: model.name, id })

/** Reads a record the request may see, or throws a 404 (someone else's record is not found either). */
async function readVisible<M extends Model>(repo: Repository<M>, access: ModelAccess, id: string): Promise<Stored<InferRecord<M>>> {
  const record = await repo.get(id)
  if (!record || !visible(repo.model, access, record as Record<string, unknown>)) throw notFound(repo.model, id)
  return record
}

function withEtag(headers: Record<string, string>, record: { $etag?: string }): Record<string, string> {
  const tag = etagOf(record)
  return tag ? { ...headers, ETag: tag } : headers
}

/**
 * The REST routes of one model, relative to its collection (mount at `/{plural}`):
 * `GET /` list (filters, order, cursor or page paging), `POST /` create (201, `Location`, `ETag`),
 * `POST /bulk` create many (validated as a whole first), `POST /bulk/delete` delete many,
 * `POST /search` (filters as JSON), `GET /:id` (ETag, 304), `PATCH /:id` partial and `PUT /:id`
 * full update (`If-Match` → 412), `DELETE /:id` (204). Errors become problem+json through the
 * routes' own error handler ({@link problemFor}), wherever they are mounted. Limits default to
 * {@link CRUD_DEFAULTS} (maxScan 1000, maxLimit 100, defaultLimit 20, maxBulk 100).
 * @example
 * const app = new Hono<S3verlessEnv>().route('/products', modelRoutes(Product, ctx))
 */
export function modelRoutes<M extends Model>(model: M, options: ModelRoutesOptions): ModelRoutes<M> {
  const { onServerError, ...given } = options
  const ctx: CrudContext = { ...CRUD_DEFAULTS, ...given }
  const repo = () => ctx.database.repository(model)
  const owner = model.ownerField
  const limits = { maxLimit: ctx.maxLimit, defaultLimit: ctx.defaultLimit }
  type Rec = InferRecord<M>

  const app = new Hono<S3verlessEnv>()
    .use('*', stripHiddenFields(model))
    .get('/', async (c) => {
      const access = accessFor(model, c)
      const params = readListParams(model, c.req.queries(), limits)
      return c.json(await listRecords<M, Rec>(repo(), access, params, ctx), 200)
    })
    .post('/search', async (c) => {
      const access = accessFor(model, c)
      const request = readSearch(await readJson(c), limits)
      return c.json(await listRecords<M, Rec>(repo(), access, request, ctx), 200)
    })
    .post('/bulk', async (c) => {
      const access = accessFor(model, c)
      const body = await readJson(c)
      const items = Array.isArray(body) ? body : isObject(body) ? body.items : undefined
      if (!Array.isArray(items))
        throw new HttpError('http.validation', 'Send { "items": [ … ] }', { errors: [{ path: ['items'], message: 'expected an array' }] })
      if (items.length > ctx.maxBulk) {
        throw new HttpError('http.validation', `At most ${ctx.maxBulk} items per request`, {
          errors: [{ path: ['items'], message: `at most ${ctx.maxBulk} items` }],
        })
      }
      const inputs = items.map((item, i) => {
        const input = clientInput(item, owner, ['items', i])
        if (owner && access.userId) input[owner] = access.userId
        return input
      })
      const created = await repo().createMany(inputs as never)
      return c.json({ items: created as Rec[] }, 201)
    })
    .post('/bulk/delete', async (c) => {
      const access = accessFor(model, c)
      const body = await readJson(c)
      const ids = isObject(body) ? body.ids : undefined
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string') || ids.length > ctx.maxBulk) {
        throw new HttpError('http.validation', `Send { "ids": [ … ] } with at most ${ctx.maxBulk} ids`, {
          errors: [{ path: ['ids'], message: `expected an array of at most ${ctx.maxBulk} ids` }],
        })
      }
      const wanted = [...new Set(ids as string[])]
      if (access.scopedTo !== undefined) {
        const found = await repo().getMany(wanted)
        const mine = new Set(found.filter((r) => visible(model, access, r as Record<string, unknown>)).map((r) => r.id))
        const missing = wanted.filter((id) => !mine.has(id.toLowerCase()) && !mine.has(id))
        if (missing.length)
          throw new HttpError('model.notFound', `${model.name} not found: ${missing.join(', ')}`, { model: model.name, ids: missing })
      }
      const deleted = await repo().deleteMany(wanted)
      return c.json({ deleted }, 200)
    })
    .post('/', async (c) => {
      const access = accessFor(model, c)
      const input = clientInput(await readJson(c), owner)
      if (owner && access.userId) input[owner] = access.userId
      const record = await repo().create(input as never)
      const location = `${new URL(c.req.url).pathname.replace(/\/$/, '')}/${record.id}`
      return c.json(record as Rec, 201, withEtag({ Location: location }, record))
    })
    .get('/:id', async (c) => {
      const record = await readVisible(repo(), accessFor(model, c), c.req.param('id'))
      if (matchesIfNoneMatch(c.req.header('if-none-match'), record)) return c.body(null, 304, withEtag({}, record))
      return c.json(record as Rec, 200, withEtag({}, record))
    })
    .patch('/:id', async (c) => {
      const access = accessFor(model, c)
      const id = c.req.param('id')
      const patch = clientInput(await readJson(c), owner)
      if (access.scopedTo !== undefined) await readVisible(repo(), access, id)
      const record = await repo().update(id, patch as never, { ifMatch: ifMatchOf(c.req.header('if-match')) })
      return c.json(record as Rec, 200, withEtag({}, record))
    })
    .put('/:id', async (c) => {
      const access = accessFor(model, c)
      const id = c.req.param('id')
      const input = clientInput(await readJson(c), owner)
      if (owner) {
        const current = await readVisible(repo(), access, id)
        input[owner] = (current as Record<string, unknown>)[owner]
      }
      const record = await repo().replace(id, input as never, { ifMatch: ifMatchOf(c.req.header('if-match')) })
      return c.json(record as Rec, 200, withEtag({}, record))
    })
    .delete('/:id', async (c) => {
      const access = accessFor(model, c)
      const id = c.req.param('id')
      if (access.scopedTo !== undefined) await readVisible(repo(), access, id)
      const deleted = await repo().delete(id, { ifMatch: ifMatchOf(c.req.header('if-match')) })
      if (!deleted) throw notFound(model, id)
      return c.body(null, 204)
    })
  // Its own error handler: mounted in any Hono app, a bad body is a 422 problem+json, never a 500.
  app.onError(errorHandler(onServerError ? { onServerError } : {}))
  return app as unknown as ModelRoutes<M>
}
