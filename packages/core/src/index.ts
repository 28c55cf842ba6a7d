export type { ClientStats } from './client/client-stats.js'
export { ClientStatsRecorder } from './client/client-stats.js'
export type { S3ConnectionOptions } from './client/s3-client-manager.js'
export { S3ClientManager } from './client/s3-client-manager.js'
export type { ErrorCodesOf, KnownErrorCode } from './error-codes.js'
export { ERROR_CODES, errorCodesOf, httpStatusOf } from './error-codes.js'
export type { ErrorCode, S3verlessErrorOptions } from './errors.js'
export {
  AccessDenied,
  Conflict,
  InvalidRequest,
  isS3verlessError,
  NotFound,
  PreconditionFailed,
  S3verlessError,
  SettingsError,
  StoreError,
  Throttled,
  Unavailable,
} from './errors.js'
export type {
  AccessOperation,
  AccessPredicate,
  AccessRule,
  AccessRules,
  AccessUser,
  ListAccessQuery,
  ResolvedAccess,
  ResolvedAccessRule,
  RoleRule,
} from './model/access-rules.js'
export { ACCESS_OPERATIONS, role } from './model/access-rules.js'
export { compareSameKind, compareValues, parseIsoDateTime } from './model/compare-values.js'
export type {
  AnyObjectSchema,
  FieldOf,
  InferCreate,
  InferRecord,
  InferUpdate,
  Model,
  ModelOptions,
  RecordUpgrade,
} from './model/define-model.js'
export { DEFAULT_BASE_PATH, defineModel, isModel, RESERVED_PLURALS, SERVER_FIELDS } from './model/define-model.js'
export type { FieldInfo, FieldKind } from './model/field-kinds.js'
export { describeField } from './model/field-kinds.js'
export { isUuid, uuidv7 } from './model/ids.js'
export type { FieldIssue } from './model/model-errors.js'
export {
  CascadeForbiddenError,
  ConflictError,
  CorruptRecordError,
  InvalidIdError,
  ModelDefinitionError,
  RecordNotFoundError,
  RestrictError,
  UniqueConstraintError,
  ValidationError,
} from './model/model-errors.js'
export type { DependentRule, Registry } from './model/registry.js'
export { createRegistry } from './model/registry.js'
export type { BelongsTo, HasMany, HasOne, OnDelete, Relation } from './model/relations.js'
export { belongsTo, hasMany, hasOne } from './model/relations.js'
export type { IndexValue } from './model/value-encoding.js'
export {
  decodeValue,
  encodeStringPrefix,
  encodeValue,
  encodeValueDescending,
  isTruncated,
  MAX_ENCODED_BYTES,
  truncatedGroup,
} from './model/value-encoding.js'
export type { BulkFailure, BulkOptions, BulkProgress, BulkReport } from './repository/bulk.js'
export { importMany } from './repository/bulk.js'
export type { S3ClientLike, S3DataServiceOptions } from './repository/data-service.js'
export { S3DataService } from './repository/data-service.js'
export type { Database, DatabaseOptions } from './repository/database.js'
export { createDatabase } from './repository/database.js'
export { DeleteIncompleteError } from './repository/delete-protocol.js'
export type { IterateOptions, RecordPage, SkippedRecord } from './repository/list-records.js'
export { isOutcomeUnknown, outcomeOf } from './repository/outcome.js'
export type {
  CachedRecord,
  ModelCacheOptions,
  RecordCache,
  RecordCacheMode,
  RecordCacheOptions,
  RecordCacheStats,
} from './repository/record-cache.js'
export { DEFAULT_RECORD_TTL_SECONDS, recordCache } from './repository/record-cache.js'
export { DEFAULT_LEASE_MS } from './repository/repo-core.js'
export type { CascadeGuard, PageResult, RecordDeleteOptions, Stored, UpdateOptions } from './repository/repository.js'
export { Repository } from './repository/repository.js'
export {
  MAX_TRANSACTION_RECORDS,
  type Transaction,
  type TransactionOptions,
  TransactionTooLargeError,
  type TxRepository,
  transaction,
} from './repository/transaction.js'
export { cleanupTransactions, type TransactionCleanupOptions, type TransactionCleanupReport } from './repository/tx-cleanup.js'
export type { VerifyOptions, VerifyReport } from './repository/verify.js'
export type { ConditionalOptions } from './repository/write-protocol.js'
export type { S3Credentials, S3CredentialsSource } from './s3/s3-credentials.js'
export type { S3Answer, S3FetchClientOptions, S3PresignRequest, S3Request } from './s3/s3-fetch-client.js'
export { S3FetchClient } from './s3/s3-fetch-client.js'
export { S3NetworkError, S3ResponseError } from './s3/s3-response-error.js'
export type { SdkS3ClientLike } from './s3/sdk-client.js'
export type { S3verlessSettings, S3verlessSettingsInput } from './settings/settings.js'
export { createSettings, loadSettings, requireSetting, SETTING_VARIABLES, TOKEN_ALGORITHMS } from './settings/settings.js'
export { compareUtf8 } from './store/byte-order.js'
export { fromUtf8, utf8 } from './store/bytes.js'
export type { FaultRule, InstrumentedStore, InstrumentOptions, RequestCounts, StoreOp } from './store/instrumented-store.js'
export { InjectedFault, instrumentStore } from './store/instrumented-store.js'
export type { MemoryStore, MemoryStoreOptions } from './store/memory-store.js'
export { memoryStore } from './store/memory-store.js'
export type { ProviderName, ProviderQuirks } from './store/provider-quirks.js'
export { PROVIDERS, resolveQuirks } from './store/provider-quirks.js'
export type { RetryOptions } from './store/retry.js'
export { backoffDelay, DEFAULT_RETRY, withRetry } from './store/retry.js'
export type { S3Store, S3StoreOptions } from './store/s3-store.js'
export { s3Store } from './store/s3-store.js'
export { deleteAll, listAll } from './store/store-helpers.js'
export type {
  Body,
  DeleteManyResult,
  DeleteOptions,
  GetOptions,
  ListedObject,
  ListOptions,
  ListPage,
  NotModified,
  ObjectStore,
  PutOptions,
  PutResult,
  StoreCapabilities,
  StoredObject,
} from './store/types.js'
export { MAX_DELETE_BATCH, MAX_KEY_BYTES, MAX_LIST_PAGE, timeResolutionOf } from './store/types.js'
