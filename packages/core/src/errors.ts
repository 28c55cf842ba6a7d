/**
 * Errors thrown by S3verless. Every error has a stable string `code`; check identity with
 * {@link isS3verlessError} (which works across duplicated package copies), not `instanceof`.
 */

const BRAND = Symbol.for('s3verless.error')

/** Stable error codes. HTTP adapters map these to status codes in one table. */
export type ErrorCode =
  | 'store.notFound'
  | 'store.preconditionFailed'
  | 'store.conflict'
  | 'store.throttled'
  | 'store.unavailable'
  | 'store.accessDenied'
  | 'store.invalidRequest'
  | 'settings.invalid'
  | (string & {})

/** Options accepted by every S3verless error. */
export interface S3verlessErrorOptions {
  /** The underlying error, kept as `cause`. */
  cause?: unknown
  /** Structured details (for example the key, the field, Zod issues). */
  details?: Record<string, unknown>
}

/**
 * Base class of every error S3verless throws.
 * @example
 * try { await store.put(key, body, { ifNoneMatch: '*' }) }
 * catch (e) { if (isS3verlessError(e, 'store.preconditionFailed')) { ... } }
 */
export class S3verlessError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown>
  readonly [BRAND] = true

  constructor(code: ErrorCode, message: string, options: S3verlessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    // A fixed string, not new.target.name: minifiers rename classes. Subclasses set their own.
    this.name = 'S3verlessError'
    this.code = code
    this.details = options.details ?? {}
  }
}

/** True when `error` is an S3verless error, optionally with the given `code`. */
export function isS3verlessError(error: unknown, code?: ErrorCode): error is S3verlessError {
  if (typeof error !== 'object' || error === null) return false
  if ((error as Record<symbol, unknown>)[BRAND] !== true) return false
  return code === undefined || (error as S3verlessError).code === code
}

/** Store errors carry the key and operation they concern. */
export class StoreError extends S3verlessError {
  override readonly name: string = 'StoreError'
  get key(): string | undefined {
    return this.details.key as string | undefined
  }
  get operation(): string | undefined {
    return this.details.operation as string | undefined
  }
}

/** What a store error's constructor takes. */
type StoreErrorConstructor = new (
  operation: string,
  key: string | undefined,
  options?: S3verlessErrorOptions & { message?: string },
) => StoreError

/**
 * A StoreError class for one code. Its declared type is the plain constructor: inferred, it would
 * carry `ErrorConstructor`'s Node-only statics (`NodeJS.CallSite`) into the published `.d.ts`.
 */
function storeErrorClass(code: ErrorCode, what: string): StoreErrorConstructor {
  return class extends StoreError {
    constructor(operation: string, key: string | undefined, options: S3verlessErrorOptions & { message?: string } = {}) {
      const where = key === undefined ? operation : `${operation} ${JSON.stringify(key)}`
      super(code, options.message ?? `${what} (${where})`, {
        cause: options.cause,
        details: { ...options.details, operation, key },
      })
    }
  }
}

/** The object does not exist (used where `null` is not a possible answer). */
export class NotFound extends storeErrorClass('store.notFound', 'Object not found') {
  override readonly name: string = 'NotFound'
}
/** A conditional write's condition did not hold: the key exists (`ifNoneMatch: '*'`) or changed (`ifMatch`). Never retried. */
export class PreconditionFailed extends storeErrorClass('store.preconditionFailed', 'Precondition failed') {
  override readonly name: string = 'PreconditionFailed'
}
/** A concurrent write conflicted (S3 409 ConditionalRequestConflict, or a provider's 5xx to a losing racer). Re-read, then decide. */
export class Conflict extends storeErrorClass('store.conflict', 'Concurrent write conflict') {
  override readonly name: string = 'Conflict'
}
/** The provider asked us to slow down and retries ran out. */
export class Throttled extends storeErrorClass('store.throttled', 'Throttled by the object store') {
  override readonly name: string = 'Throttled'
}
/** The provider failed (5xx, network) and retries ran out. */
export class Unavailable extends storeErrorClass('store.unavailable', 'Object store unavailable') {
  override readonly name: string = 'Unavailable'
}
/** Credentials were refused or the bucket is not ours. */
export class AccessDenied extends storeErrorClass('store.accessDenied', 'Access denied by the object store') {
  override readonly name: string = 'AccessDenied'
}
/** The request itself was malformed (bad key, too many keys in a batch, …). */
export class InvalidRequest extends storeErrorClass('store.invalidRequest', 'Invalid store request') {
  override readonly name: string = 'InvalidRequest'
}

/** Settings were missing or malformed; `details.variables` names each offending variable. */
export class SettingsError extends S3verlessError {
  override readonly name: string = 'SettingsError'
  constructor(message: string, options: S3verlessErrorOptions = {}) {
    super('settings.invalid', message, options)
  }
}
