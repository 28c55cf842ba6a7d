import { type InferRecord, isS3verlessError, type Model, type PageResult, type Repository, S3verlessError } from '@s3verless/core'
import { type FilterInput, query } from '@s3verless/query'
import { validationError } from '../errors/http-error.js'
import type { ModelAccess } from './access.js'
import type { CrudContext } from './crud-context.js'
import { badCursor } from './cursor-seal.js'
import { refuseHiddenFields } from './hidden-fields.js'
import { checkListOperands } from './list-operands.js'
import { textFields } from './list-params.js'

/** What a list or search asks for, after reading it from the request. */
export interface ListRequest {
  filter: Record<string, unknown>
  exclude?: Record<string, unknown>
  orderBy: string | undefined
  limit: number
  cursor: string | undefined
  page: number | undefined
  pageSize: number
  /** A text search (`q`) over `fields` (default: the model's string fields). */
  search?: { text: string; fields?: string[] }
}

/** A cursor page: the records and the cursor of the next page (absent on the last). */
export interface CursorPage<T> {
  items: T[]
  nextCursor: string | null
  /** Corrupt records met while reading this page and left out (absent when none). */
  skipped?: number
}

/** A numbered page with totals (costs a count; prefer cursors): the repository's page shape plus a JSON cursor. */
export interface NumberedPage<T> extends PageResult<T> {
  nextCursor: string | null
  /** Corrupt records met while reading this page and left out (absent when none); `totalCount` does not count them. */
  skipped?: number
}

/** A filter value the query package refused: the same 422 as a query string's, naming the filter. */
function asValidation(error: { message: string; details: Record<string, unknown> }) {
  const { key, field, op } = error.details as { key?: string; field?: string; op?: string }
  const path = key ?? (field ? (op && op !== 'eq' ? `${field}__${op}` : field) : undefined)
  return validationError(error.message, [{ path: path ? [path] : [], message: error.message }])
}

/** Builds the query of a request; a filter operand that does not fit is a 422. */
function buildQuery<M extends Model>(repo: Repository<M>, request: ListRequest, filter: Record<string, unknown>, maxScan: number) {
  refuseHiddenFields(repo.model, { ...request, fields: request.search?.fields })
  try {
    let q = query(repo, { maxScan }).filter(filter as FilterInput<InferRecord<M>>)
    if (request.exclude && Object.keys(request.exclude).length) q = q.exclude(request.exclude as FilterInput<InferRecord<M>>)
    if (request.search) q = q.search(request.search.text, request.search.fields ?? textFields(repo.model))
    if (request.orderBy) q = q.orderBy(request.orderBy as never)
    return q
  } catch (error) {
    if (isS3verlessError(error, 'query.invalidFilter')) throw asValidation(error)
    throw error
  }
}

/** The query a list or search request would run, without running it (`explain: true`). */
export function planOf<M extends Model>(repo: Repository<M>, access: ModelAccess, request: ListRequest, ctx: CrudContext) {
  return buildQuery(repo, request, scopedFilter(repo.model, access, request), ctx.maxScan).explain()
}

/** The request's filter, with the owner filter added under owner scoping. */
function scopedFilter(model: Model, access: ModelAccess, request: ListRequest): Record<string, unknown> {
  const filter = { ...request.filter }
  if (access.scopedTo !== undefined && model.ownerField) filter[model.ownerField] = access.scopedTo
  return filter
}

/**
 * Runs a list or search through the query planner: indexed filters are served by their index, a
 * full scan stops at `maxScan` records (`query.tooExpensive`, with the plan attached; an `id__in`
 * counts one record per id), a list operand over `maxListValues` values is a 422, and under
 * owner scoping the owner filter is added (it is indexed, so a user's list costs the same whatever
 * the others own). A hidden field in a filter, exclusion or order is refused (422).
 */
export async function listRecords<M extends Model, T>(
  repo: Repository<M>,
  access: ModelAccess,
  request: ListRequest,
  ctx: CrudContext,
): Promise<CursorPage<T> | NumberedPage<T>> {
  const model = repo.model
  refuseHiddenFields(model, { ...request, fields: request.search?.fields })
  checkListOperands(request, ctx.maxListValues)
  if (access.scopedTo !== undefined && model.ownerField) {
    const asked = request.filter[model.ownerField]
    if (asked !== undefined && asked !== access.scopedTo) return emptyPage(request)
  }
  const q = buildQuery(repo, request, scopedFilter(model, access, request), ctx.maxScan)
  const seal = ctx.cursors
  const sealed = async (cursor: string | undefined) => (cursor === undefined ? null : seal ? seal.seal(model.name, cursor) : cursor)
  try {
    if (request.page !== undefined) {
      const page = await q.paginate(request.page, request.pageSize)
      return { ...page, items: page.items as T[], nextCursor: await sealed(page.nextCursor) }
    }
    const cursor = request.cursor !== undefined && seal ? await seal.open(model.name, request.cursor) : request.cursor
    const page = await q.after(cursor).limit(request.limit).fetch()
    return {
      items: page.items as T[],
      nextCursor: await sealed(page.nextCursor),
      ...(page.skipped !== undefined ? { skipped: page.skipped } : {}),
    }
  } catch (error) {
    if (isS3verlessError(error, 'query.tooExpensive')) {
      throw new S3verlessError('query.tooExpensive', error.message, { cause: error, details: { ...error.details, plan: q.explain() } })
    }
    if (isS3verlessError(error, 'query.invalidCursor')) throw badCursor(error.message)
    throw error
  }
}

/** The answer to a list asking for another owner's records: nothing. */
function emptyPage<T>(request: ListRequest): CursorPage<T> | NumberedPage<T> {
  if (request.page === undefined) return { items: [], nextCursor: null }
  return {
    items: [],
    totalCount: 0,
    page: request.page,
    pageSize: request.pageSize,
    totalPages: 0,
    hasNext: false,
    hasPrev: request.page > 1,
    nextCursor: null,
  }
}
