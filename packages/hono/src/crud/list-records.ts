import { type InferRecord, isS3verlessError, type Model, type PageResult, type Repository, S3verlessError } from '@s3verless/core'
import { type FilterInput, query } from '@s3verless/query'
import type { ModelAccess } from './access.js'
import type { CrudContext } from './crud-context.js'
import { refuseHiddenFields } from './hidden-fields.js'
import { checkListOperands } from './list-operands.js'

/** What a list or search asks for, after reading it from the request. */
export interface ListRequest {
  filter: Record<string, unknown>
  exclude?: Record<string, unknown>
  orderBy: string | undefined
  limit: number
  cursor: string | undefined
  page: number | undefined
  pageSize: number
}

/** A cursor page: the records and the cursor of the next page (absent on the last). */
export interface CursorPage<T> {
  items: T[]
  nextCursor: string | null
}

/** A numbered page with totals (costs a count; prefer cursors): the repository's page shape plus a JSON cursor. */
export interface NumberedPage<T> extends PageResult<T> {
  nextCursor: string | null
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
  refuseHiddenFields(model, request)
  checkListOperands(request, ctx.maxListValues)
  const filter = { ...request.filter }
  if (access.scopedTo !== undefined && model.ownerField) {
    const asked = filter[model.ownerField]
    if (asked !== undefined && asked !== access.scopedTo) return emptyPage(request)
    filter[model.ownerField] = access.scopedTo
  }
  let q = query(repo, { maxScan: ctx.maxScan }).filter(filter as FilterInput<InferRecord<M>>)
  if (request.exclude && Object.keys(request.exclude).length) q = q.exclude(request.exclude as FilterInput<InferRecord<M>>)
  if (request.orderBy) q = q.orderBy(request.orderBy as never)
  try {
    if (request.page !== undefined) {
      const page = await q.paginate(request.page, request.pageSize)
      return { ...page, items: page.items as T[], nextCursor: page.nextCursor ?? null }
    }
    const page = await q.after(request.cursor).limit(request.limit).fetch()
    return { items: page.items as T[], nextCursor: page.nextCursor ?? null }
  } catch (error) {
    if (isS3verlessError(error, 'query.tooExpensive')) {
      throw new S3verlessError('query.tooExpensive', error.message, { cause: error, details: { ...error.details, plan: q.explain() } })
    }
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
