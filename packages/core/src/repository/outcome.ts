import { isS3verlessError, type S3verlessError, Unavailable } from '../errors.js'

/**
 * Whether a failed call may still have taken effect: its error carries `details.outcome: 'unknown'`.
 * Such a write may be stored now or later (a request still on its way), in whole or, for a compound
 * operation, in part; nothing it may need was removed. Re-read the records it concerns before
 * deciding what to do (a retry of a non-idempotent change, such as an increment, may apply it twice).
 * Any other error from a write means nothing of it was stored and nothing of it ever will be.
 * @example
 * try { await products.update(id, (p) => ({ stock: p.stock - 1 })) }
 * catch (e) { if (isOutcomeUnknown(e)) { const now = await products.get(id); … } else throw e }
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return isS3verlessError(error) && error.details.outcome === 'unknown'
}

/**
 * What a failed write call did: `'failed'` (nothing of it was stored, nor ever will be), `'unknown'`
 * (it may have taken effect, in whole or in part) or `'partial'` (it took effect in part, e.g. a
 * delete whose relation rules stopped midway, a `createMany` that could not take back all it wrote).
 */
export function outcomeOf(error: unknown): 'failed' | 'unknown' | 'partial' {
  const outcome = isS3verlessError(error) ? error.details.outcome : undefined
  return outcome === 'unknown' || outcome === 'partial' ? outcome : 'failed'
}

/**
 * The error of a record write whose outcome cannot be told (a lost answer that a re-read could not
 * settle): `store.unavailable` with `details.outcome: 'unknown'`, naming the model and id.
 */
export function unknownOutcome(model: string, id: string, cause: unknown, what = 'the write'): S3verlessError {
  return new Unavailable('put', undefined, {
    cause,
    message: `${model} ${id}: the store did not answer whether ${what} landed, and it could not be told; re-read the record to find out (do not simply retry a non-idempotent change)`,
    details: { outcome: 'unknown', model, id },
  })
}

/**
 * Marks an error of a write that may have taken effect as of unknown outcome (keeping its code and
 * message), unless it already is.
 */
export function asUnknown(error: unknown, model: string, id: string): unknown {
  if (isOutcomeUnknown(error)) return error
  if (isS3verlessError(error)) {
    error.details.outcome = 'unknown'
    error.details.id ??= id
    error.details.model ??= model
    return error
  }
  return unknownOutcome(model, id, error)
}
