import { S3verlessError } from '@s3verless/core'

/**
 * A full scan would read more records than `maxScan` allows, or an id list (`id__in`) names more ids
 * than it (`details.lookups`): each id is a GET, counted against the same budget.
 */
export class QueryTooExpensiveError extends S3verlessError {
  override readonly name: string = 'QueryTooExpensiveError'
  constructor(model: string, maxScan: number, reason: string, lookups?: number) {
    super(
      'query.tooExpensive',
      lookups === undefined
        ? `Query on ${model} needs a full scan${reason ? ` ${reason}` : ''}, over its maxScan budget of ${maxScan} records; filter on an indexed field or raise maxScan`
        : `Query on ${model} looks up ${lookups} ids (one GET each), over its maxScan budget of ${maxScan} records; ask for fewer ids or raise maxScan`,
      {
        details: { model, maxScan, ...(lookups === undefined ? {} : { lookups }) },
      },
    )
  }
}

/** `get()` found no record. */
export class NoResultsError extends S3verlessError {
  override readonly name: string = 'NoResultsError'
  constructor(model: string) {
    super('query.noResults', `Query on ${model} matched no record; get() needs exactly one`, { details: { model } })
  }
}

/** `get()` found more than one record. */
export class MultipleResultsError extends S3verlessError {
  override readonly name: string = 'MultipleResultsError'
  constructor(model: string) {
    super('query.multipleResults', `Query on ${model} matched more than one record; get() needs exactly one`, { details: { model } })
  }
}

/** A cursor that this query did not hand out (or that belongs to another query shape). */
export class InvalidCursorError extends S3verlessError {
  override readonly name: string = 'InvalidCursorError'
  constructor(model: string, why: string) {
    super('query.invalidCursor', `Invalid cursor for a query on ${model}: ${why}`, { details: { model } })
  }
}
