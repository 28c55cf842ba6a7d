import { type InferRecord, isS3verlessError, isUuid, type Model, type Repository, type Stored } from '@s3verless/core'
import { type Context, Hono } from 'hono'
import type { S3verlessEnv } from '../app/env.js'
import { errorHandler } from '../errors/error-handler.js'
import { HttpError } from '../errors/http-error.js'
import { accessFor, allows, cascadeGuard, checkInput, checkList, checkRecord, type ModelAccess, rulesOf } from './access.js'
import { clientInput, isObject, readJson } from './body.js'
import { CRUD_DEFAULTS, type CrudContext, type ModelRoutesOptions } from './crud-context.js'
import { cursorSeal } from './cursor-seal.js'
import { bare, etagOf, type IfMatch, matchesIfNoneMatch, readIfMatch } from './etag.js'
import { stripHiddenFields } from './hidden-fields.js'
import { readListParams } from './list-params.js'
import { listRecords, planOf } from './list-records.js'
import type { ModelRoutes } from './model-routes-types.js'
import { createOnly, preconditionFailed } from './preconditions.js'
import { readSearch } from './search-body.js'

const notFound = (model: Model, id: string) => new HttpError('model.notFound', `${model.name} ${id} not found`, { model: model.name, id })

/** Reads a record by id, or throws a 404. */
async function readOr404<M extends Model>(repo: Repository<M>, id: string): Promise<Stored<InferRecord<M>>> {
  const record = await repo.get(id)
  if (!record) throw notFound(repo.model, id)
  return record
}

/**
 * The answer to a method the route does not take: `OPTIONS` gets 204 with `Allow`, anything else a
 * 405 problem with `Allow` (RFC 9110 §15.5.6).
 */
const methods = (allow: string) => (c: Context) => {
  if (c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: allow })
  throw new HttpError('http.methodNotAllowed', `${c.req.method} is not allowed here (allowed: ${allow})`, { headers: { Allow: allow } })
}

/** The path of the collection a request was made under (with no trailing slash). */
const collectionPath = (c: Context, suffix: RegExp = /$/) => new URL(c.req.url).pathname.replace(/\/$/, '').replace(suffix, '')

/**
 * Runs a write on a record after checking `op`'s rule on the version it reads: the write is
 * conditional on that version (the client's `If-Match`, or the etag checked), so a record that
 * changed in between is checked again (3 tries, then 409) rather than written unchecked.
 * `If-Match` uses the strong comparison (RFC 9110 §13.1.1): one tag goes to the repository's
 * conditional write; a list is checked against the record read now and the write is made
 * conditional on the version found (412 when none is current); `W/` tags never match; `*` is any
 * existing record.
 */
async function checkedWrite<M extends Model, T>(
  repo: Repository<M>,
  op: 'update' | 'delete',
  access: ModelAccess,
  id: string,
  ifMatch: IfMatch,
  write: (current: Stored<InferRecord<M>> | undefined, ifMatch: string | undefined) => Promise<T>,
  options: { change?: Record<string, unknown>; readCurrent?: boolean } = {},
): Promise<T> {
  const { change, readCurrent = false } = options
  const model = repo.model
  const rule = rulesOf(model)[op]
  const needsRecord = access.user?.isAdmin !== true && (rule === 'owner' || typeof rule === 'function')
  const listed = ifMatch.kind === 'oneOf'
  for (let attempt = 1; ; attempt++) {
    const current = needsRecord || readCurrent || listed ? await readOr404(repo, id) : undefined
    if (current && needsRecord)
      await checkRecord(model, op, access.user, current as Record<string, unknown>, () => notFound(model, id), change)
    let client = ifMatch.kind === 'version' ? ifMatch.version : undefined
    if (listed && current) {
      client = bare(current.$etag)
      if (!ifMatch.versions.includes(client)) throw preconditionFailed(model, id, 'If-Match names no current version (W/ tags never match)')
    }
    const pinned = client ?? (needsRecord && current ? bare(current.$etag) : undefined)
    try {
      return await write(current, pinned)
    } catch (error) {
      if (client !== undefined || !needsRecord || attempt >= 3 || !isS3verlessError(error, 'model.conflict')) throw error
    }
  }
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
  rulesOf(model) // malformed rules fail here, when the app is built, not on a request
  ctx.cursors ??= cursorSeal(ctx.cursorSecret)
  const repo = () => ctx.database.repository(model)
  const owner = model.ownerField
  const limits = { maxLimit: ctx.maxLimit, defaultLimit: ctx.defaultLimit }
  type Rec = InferRecord<M>

  /**
   * `PUT` with `If-None-Match: *`: creates the record with this id (a conditional create, under the
   * create rule, checked before the body is read), 412 when it exists.
   */
  async function createAt(c: Context<S3verlessEnv>, id: string) {
    const access = accessFor(model, 'create', c)
    const input = clientInput(await readJson(c), owner)
    if (!isUuid(id)) throw notFound(model, id)
    if (owner && access.userId) input[owner] = access.userId
    await checkInput(model, access.user, input)
    try {
      const record = await repo().create({ ...input, id: id.toLowerCase() } as never)
      return c.json(record as Rec, 201, withEtag({ Location: collectionPath(c) }, record))
    } catch (error) {
      if (isS3verlessError(error, 'model.conflict')) throw preconditionFailed(model, id, 'it exists already (If-None-Match: *)')
      throw error
    }
  }

  // Not strict: `/products/` is the collection.
  const app = new Hono<S3verlessEnv>({ strict: false })
    .use('*', stripHiddenFields(model))
    .get('/', async (c) => {
      const access = accessFor(model, 'list', c)
      const params = readListParams(model, c.req.queries(), limits)
      await checkList(model, access.user, params.filter)
      return c.json(await listRecords<M, Rec>(repo(), access, params, ctx), 200)
    })
    .post('/search', async (c) => {
      const access = accessFor(model, 'list', c)
      const request = readSearch(model, await readJson(c), limits)
      await checkList(model, access.user, request.filter)
      if (request.explain) return c.json({ plan: planOf(repo(), access, request, ctx) }, 200)
      return c.json(await listRecords<M, Rec>(repo(), access, request, ctx), 200)
    })
    .all('/search', methods('POST, OPTIONS'))
    .post('/bulk', async (c) => {
      const access = accessFor(model, 'create', c)
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
      // Every item is checked before any is written: one refused item refuses the request.
      for (const [i, input] of inputs.entries()) await checkInput(model, access.user, input, i)
      const created = await repo().createMany(inputs as never)
      // The created records as one resource: the collection filtered to their ids.
      const location = `${collectionPath(c, /\/bulk$/)}?id__in=${created.map((r) => r.id).join(',')}`
      return c.json({ items: created as Rec[] }, 201, { Location: location })
    })
    .all('/bulk', methods('POST, OPTIONS'))
    .post('/bulk/delete', async (c) => {
      const access = accessFor(model, 'delete', c)
      const body = await readJson(c)
      const ids = isObject(body) ? body.ids : undefined
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string') || ids.length > ctx.maxBulk) {
        throw new HttpError('http.validation', `Send { "ids": [ … ] } with at most ${ctx.maxBulk} ids`, {
          errors: [{ path: ['ids'], message: `expected an array of at most ${ctx.maxBulk} ids` }],
        })
      }
      // Ids are UUIDs, stored lower-case: one record (deleted and counted once) however its id is spelled.
      const wanted = [...new Set((ids as string[]).map((id) => id.toLowerCase()))]
      const rule = rulesOf(model).delete
      const recordRule = access.user?.isAdmin !== true && (rule === 'owner' || typeof rule === 'function')
      // Every id must name a record (one the caller may see, under a record-level rule), or nothing
      // is deleted: unknown ids are a 404 listing them, whatever the rule.
      const found = await repo().getMany(wanted.filter(isUuid))
      const byId = new Map(found.map((r) => [r.id, r as Record<string, unknown>]))
      const missing: string[] = []
      for (const id of wanted) {
        const record = byId.get(id)
        if (!record || (recordRule && !(await allows(model, 'get', access.user, record)))) missing.push(id)
      }
      if (missing.length)
        throw new HttpError('model.notFound', `${model.name} not found: ${missing.join(', ')}`, { model: model.name, ids: missing })
      if (recordRule) {
        for (const id of wanted)
          await checkRecord(model, 'delete', access.user, byId.get(id) as Record<string, unknown>, () => notFound(model, id))
      }
      // Cascades are planned for every id before the first delete: one forbidden cascade deletes nothing.
      const mayCascade = cascadeGuard(access.user)
      for (const id of wanted) await repo().checkDelete(id, { mayCascade })
      const deleted = await repo().deleteMany(wanted, { mayCascade })
      return c.json({ deleted }, 200)
    })
    .all('/bulk/delete', methods('POST, OPTIONS'))
    .post('/', async (c) => {
      const access = accessFor(model, 'create', c)
      const input = clientInput(await readJson(c), owner)
      if (owner && access.userId) input[owner] = access.userId
      await checkInput(model, access.user, input)
      const record = await repo().create(input as never)
      return c.json(record as Rec, 201, withEtag({ Location: `${collectionPath(c)}/${record.id}` }, record))
    })
    .all('/', methods('GET, HEAD, POST, OPTIONS'))
    .get('/:id', async (c) => {
      const access = accessFor(model, 'get', c)
      const id = c.req.param('id')
      const record = await readOr404(repo(), id)
      await checkRecord(model, 'get', access.user, record as Record<string, unknown>, () => notFound(model, id))
      if (matchesIfNoneMatch(c.req.header('if-none-match'), record)) return c.body(null, 304, withEtag({}, record))
      return c.json(record as Rec, 200, withEtag({}, record))
    })
    .patch('/:id', async (c) => {
      const access = accessFor(model, 'update', c)
      const id = c.req.param('id')
      const patch = clientInput(await readJson(c), owner)
      const record = await checkedWrite(
        repo(),
        'update',
        access,
        id,
        readIfMatch(c.req.header('if-match')),
        (_, ifMatch) => repo().update(id, patch as never, { ifMatch }),
        { change: patch },
      )
      return c.json(record as Rec, 200, withEtag({}, record))
    })
    .put('/:id', async (c) => {
      const id = c.req.param('id')
      if (createOnly(c)) return createAt(c, id)
      const access = accessFor(model, 'update', c)
      const input = clientInput(await readJson(c), owner)
      const record = await checkedWrite(
        repo(),
        'update',
        access,
        id,
        readIfMatch(c.req.header('if-match')),
        (current, ifMatch) => {
          // The owner never changes: a full replace keeps the stored one.
          if (owner && current) input[owner] = (current as Record<string, unknown>)[owner]
          return repo().replace(id, input as never, { ifMatch })
        },
        { change: input, readCurrent: owner !== undefined },
      )
      return c.json(record as Rec, 200, withEtag({}, record))
    })
    .delete('/:id', async (c) => {
      const access = accessFor(model, 'delete', c)
      const id = c.req.param('id')
      const mayCascade = cascadeGuard(access.user)
      const deleted = await checkedWrite(repo(), 'delete', access, id, readIfMatch(c.req.header('if-match')), (_, ifMatch) =>
        repo().delete(id, { ifMatch, mayCascade }),
      )
      if (!deleted) throw notFound(model, id)
      return c.body(null, 204)
    })
    .all('/:id', methods('GET, HEAD, PUT, PATCH, DELETE, OPTIONS'))
  // Its own error handler: mounted in any Hono app, a bad body is a 422 problem+json, never a 500.
  app.onError(errorHandler(onServerError ? { onServerError } : {}))
  return app as unknown as ModelRoutes<M>
}
