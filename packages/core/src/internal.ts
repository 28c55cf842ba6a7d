/**
 * Internals shared between S3verless packages (the query engine, the cache, the HTTP adapter).
 * Not a public API: it may change in any release. Import from `@s3verless/core/internal`.
 */

export { resolveAccess } from './model/access-rules.js'
export { defineSystemModel } from './model/system-model.js'
export { bulkConcurrency, runBulk } from './repository/bulk.js'
export { mapLimit } from './repository/concurrency.js'
export type { IndexPlan } from './repository/index-entries.js'
export { fieldValue, indexKeysOf } from './repository/index-entries.js'
export type { IndexHit } from './repository/index-lookup.js'
export { findByIndex, listIndex, readHits } from './repository/index-lookup.js'
export { KeyLayout } from './repository/key-layout.js'
export type { SkippedRecord } from './repository/list-records.js'
export { checkWindow, isRecordObject, iterateRecords, listAllIds, listLiveIds, listPage, readMany } from './repository/list-records.js'
export type { RawRecord, RecordMeta } from './repository/record-codec.js'
export { decodeRecord, reviveDates, withEtag } from './repository/record-codec.js'
export { storedVersion, upgradeFields } from './repository/record-upgrade.js'
export { loadRelation } from './repository/relations-ops.js'
export type { RepoSettings } from './repository/repo-core.js'
export { RepoCore } from './repository/repo-core.js'
export { claimHolder } from './repository/unique-claims.js'
export type { ConditionalOptions } from './repository/write-protocol.js'
export { updateRecord } from './repository/write-protocol.js'
export { fetchClientFromSdk, isSdkClient } from './s3/sdk-client.js'
export type { ErrorContext } from './store/s3-errors.js'
export { translateS3Error } from './store/s3-errors.js'
