/**
 * Every stable error code S3verless throws, in one table: the HTTP status an adapter answers with
 * and what the code means. The Hono adapter maps errors through it, and a test checks that the
 * README's list of codes is exactly this table and that no package throws a code missing from it.
 * Codes of every package live here (they are only strings: core depends on none of them).
 */
export const ERROR_CODES = {
  // store: the object store (S3, the file system, memory)
  'store.notFound': { status: 404, meaning: 'The object does not exist (where `null` is not a possible answer).' },
  'store.preconditionFailed': { status: 412, meaning: 'A conditional write found the key taken or changed; never retried.' },
  'store.conflict': { status: 409, meaning: 'A concurrent conditional write conflicted (409, or a provider 5xx to a losing racer).' },
  'store.throttled': { status: 503, meaning: 'The store asked us to slow down and retries ran out.' },
  'store.unavailable': {
    status: 503,
    meaning: 'The store failed (5xx, network) and retries ran out; `details.outcome` is `unknown` when a write may have landed.',
  },
  'store.accessDenied': { status: 502, meaning: 'The store refused our credentials, or the bucket is not ours.' },
  'store.invalidRequest': { status: 500, meaning: 'A malformed store request (bad key, too many keys in a batch).' },
  'settings.invalid': { status: 500, meaning: 'A setting is missing or malformed; `details.variables` names each one.' },
  // model: definitions and repositories
  'model.definition': { status: 500, meaning: 'A model or a set of models is defined wrongly (names the model and field).' },
  'model.validation': {
    status: 422,
    meaning: 'Input failed the schema; `details.issues` has every field’s path and message. Nothing was written.',
  },
  'model.unique': {
    status: 409,
    meaning: 'A unique value is taken (`details.field`, `details.value`; `inFlight` while a concurrent write claims it).',
  },
  'model.conflict': {
    status: 409,
    meaning: 'The record changed since it was read (stale `ifMatch`, a lost race) or the id is taken; 412 under If-Match.',
  },
  'model.notFound': { status: 404, meaning: 'No record with that id.' },
  'model.invalidId': { status: 404, meaning: 'The id is not a UUID; refused before any request.' },
  'model.corrupt': { status: 500, meaning: 'A stored object no longer parses or fits the schema (names its key).' },
  'model.restricted': { status: 409, meaning: 'A `restrict` relation forbids deleting a record that still has dependents.' },
  'access.cascadeForbidden': { status: 403, meaning: 'A delete would cascade to records the caller may not delete; nothing was written.' },
  'model.deleteIncomplete': {
    status: 503,
    meaning:
      'The record is deleted, but applying its relation rules stopped midway (`details.outcome` `partial`); deleting it again or `verify({ repair: true })` finishes it.',
  },
  'model.batchIncomplete': {
    status: 500,
    meaning:
      'A `createMany` failed and could not take back all it wrote (`details.kept`: records left; `details.unknown`: inputs whose create may have landed).',
  },
  'model.indexNotReady': {
    status: 503,
    meaning: 'An index or unique constraint is declared but not built for the stored data yet: run `reindex()`.',
  },
  'model.unindexableValue': {
    status: 422,
    meaning: 'A value that has no key encoding (NaN, an invalid Date, an object) for an indexed or unique field.',
  },
  'model.invalidEncoding': { status: 500, meaning: 'An index key could not be decoded.' },
  'model.unknownRelation': { status: 400, meaning: 'The model has no relation of that name.' },
  // transactions
  'transaction.tooLarge': {
    status: 422,
    meaning: 'A transaction touched more records than it may (`details.limit`, 25); nothing was written.',
  },
  'transaction.unsupported': {
    status: 422,
    meaning: 'A transaction asked for what it does not do yet (a delete that would apply relation rules); nothing was written.',
  },
  // query
  'query.unknownField': { status: 400, meaning: 'A filter, order or selection names a field the model does not have.' },
  'query.unknownOperator': { status: 400, meaning: 'A filter uses an operator that does not exist (the message lists the valid ones).' },
  'query.invalidFilter': { status: 400, meaning: 'A filter value does not fit the field’s kind or the operator.' },
  'query.invalidArgument': {
    status: 400,
    meaning: 'A paging or builder argument is out of range (limit, offset, page, pageSize, maxScan), in a repository or a query.',
  },
  'query.invalidCursor': { status: 400, meaning: 'A cursor is malformed or belongs to another query.' },
  'query.tooExpensive': {
    status: 400,
    meaning:
      'The plan would read more records than `maxScan` allows (`details.plan`), or an id list looks up more ids (`details.lookups`).',
  },
  'query.noResults': { status: 404, meaning: '`get()` found no record.' },
  'query.multipleResults': { status: 409, meaning: '`get()` found more than one record.' },
  'query.unknownRelation': { status: 400, meaning: '`prefetchRelated` names a relation the model does not have.' },
  // cache
  'cache.tierFailed': {
    status: 500,
    meaning: 'A cache tier failed (counted and skipped by reads and writes; never fails a repository call).',
  },
  'cache.invalidOptions': { status: 500, meaning: 'A cache was configured wrongly.' },
  'cache.invalidKey': { status: 500, meaning: 'A cache key or pattern is not a non-empty string.' },
  // auth
  'auth.invalidToken': { status: 401, meaning: 'The token is malformed, tampered with, of the wrong kind or unknown.' },
  'auth.expiredToken': { status: 401, meaning: 'The token was valid but has expired.' },
  'auth.revokedToken': { status: 401, meaning: 'The token was revoked (logout, reuse of a rotated refresh token, password change).' },
  'auth.invalidCredentials': { status: 401, meaning: 'The password given to confirm an action is wrong.' },
  'auth.inactiveUser': { status: 403, meaning: 'The user is deactivated.' },
  'auth.userNotFound': { status: 404, meaning: 'No user has that id.' },
  'auth.userExists': { status: 409, meaning: 'The username or email is already registered.' },
  'auth.weakPassword': { status: 422, meaning: 'The password does not meet the password policy.' },
  'auth.passwordTooLong': { status: 422, meaning: 'The password is longer than the hasher can use.' },
  'auth.invalidCost': { status: 500, meaning: 'A bcrypt cost outside 4..31 was configured.' },
  'auth.invalidPolicy': { status: 500, meaning: 'The configured password policy is impossible or malformed.' },
  'auth.invalidOptions': { status: 500, meaning: 'The auth service, a hasher or the rate limiter was configured wrongly.' },
  'auth.rateLimited': { status: 429, meaning: 'Too many requests from this client to this endpoint.' },
  // storage: presigned uploads and file records
  'storage.invalidConfig': { status: 500, meaning: 'The upload config or the upload service was configured wrongly.' },
  'storage.rejected': {
    status: 422,
    meaning:
      'The upload breaks a rule (`details.rule`: filename, size, contentType or metadata) and was refused before anything was stored.',
  },
  'storage.invalidKey': { status: 400, meaning: 'The key is not an upload key of this service (outside the upload prefix, or malformed).' },
  'storage.mismatch': {
    status: 422,
    meaning: 'The stored object does not match the upload rules (its type or size), so it was not confirmed.',
  },
  'storage.expired': { status: 410, meaning: 'The upload is older than the confirmation window; it will be removed by the cleanup.' },
  'storage.forbidden': { status: 403, meaning: 'The upload was bound to, or confirmed by, another user.' },
  'storage.deleted': {
    status: 410,
    meaning: 'The upload was deleted; its key stays closed, so a replayed upload URL cannot bring the file back.',
  },
  'storage.presignUnsupported': {
    status: 501,
    meaning: 'Presigned URLs need S3 (an S3Client or S3ClientManager); the memory and file-system stores cannot sign them.',
  },
  // migrations
  'migration.invalid': { status: 500, meaning: 'A migration is defined wrongly, or cannot be reversed.' },
  'migration.failed': {
    status: 500,
    meaning: 'A migration failed on some records (`details` lists their ids); it was not recorded as applied.',
  },
  'migration.duplicateVersion': { status: 500, meaning: 'Two migrations share a version.' },
  'migration.locked': {
    status: 409,
    meaning:
      'Another runner holds the migration lease (`details.holder`, `details.expiresInMs`), or this runner lost its lease midway and stopped.',
  },
  // testing: factories and seed files (@s3verless/testing, the CLI's seed command)
  'testing.factory': {
    status: 500,
    meaning:
      'A factory cannot make a valid value for a field (`details.field`): a type it cannot generate, or a refinement every attempt failed.',
  },
  'testing.seed': {
    status: 400,
    meaning: 'A seed file is malformed, or a reference in it (`@Model:key`) names nothing seeded (`details.file`, `details.line`).',
  },
  // cli
  'cli.noDataDir': { status: 500, meaning: 'The CLI found no data folder or S3 settings to work on.' },
} as const satisfies Record<string, { status: number; meaning: string }>

/** A code of {@link ERROR_CODES}. */
export type KnownErrorCode = keyof typeof ERROR_CODES

/** The codes of {@link ERROR_CODES} under one prefix (`'auth'` → `auth.*`), as a table of their own. */
export type ErrorCodesOf<P extends string> = {
  [K in KnownErrorCode as K extends `${P}.${string}` ? K : never]: (typeof ERROR_CODES)[K]
}

/**
 * The part of {@link ERROR_CODES} under one prefix, for a package to export as its own table
 * (`AUTH_ERRORS = errorCodesOf('auth')`): one table in code, never a copy that can drift.
 */
export function errorCodesOf<P extends string>(prefix: P): ErrorCodesOf<P> {
  return Object.fromEntries(Object.entries(ERROR_CODES).filter(([code]) => code.startsWith(`${prefix}.`))) as ErrorCodesOf<P>
}

/**
 * The HTTP status for an error code: the table's, or 500 for a code it does not know.
 * @example httpStatusOf('model.unique') // 409
 */
export function httpStatusOf(code: string): number {
  return (ERROR_CODES as Record<string, { status: number }>)[code]?.status ?? 500
}
