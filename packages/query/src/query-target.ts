import {
  createDatabase,
  type FieldInfo,
  type Model,
  type ObjectStore,
  type Repository,
  type S3ClientLike,
  S3ClientManager,
  s3Store,
} from '@s3verless/core'
import type { ModelShape } from './plan-types.js'

/** Defaults for the queries of a repository. */
export interface QueryOptions {
  /**
   * Refuse a full scan that would read more than this many records, and an `id__in` of more ids than
   * this (default: no limit; 0 refuses every scan, one id is always allowed).
   */
  maxScan?: number
  /**
   * Cache query results through the database's cache backend (see `createDatabase({ cache })` and
   * `repositoryCache`) for `ttlSeconds` (default 30). Writes through the database drop the model's
   * cached results at once; writes by other processes are seen when the TTL ends. Default: off.
   */
  cacheResults?: { ttlSeconds?: number }
}

/** What a query runs against: a repository, the planner's view of its model, and defaults. */
export interface QueryTarget {
  repository: Repository<Model>
  shape: ModelShape
  fields: Readonly<Record<string, FieldInfo>>
  /** Every field a filter or order may name. */
  fieldNames: readonly string[]
  options: QueryOptions
}

/** Builds the planner's view of a repository's model. */
export function targetOf(repository: Repository<Model>, options: QueryOptions = {}): QueryTarget {
  const model = repository.model
  const plan = repository.core.plan
  const stringFields = new Set(
    Object.entries(model.fields)
      .filter(([, f]) => f.kind === 'string' || f.kind === 'enum')
      .map(([name]) => name),
  )
  const looseFields = new Set(
    Object.entries(model.fields)
      .filter(([, f]) => f.kind === 'other')
      .map(([name]) => name),
  )
  return {
    repository,
    shape: {
      name: model.name,
      unique: model.unique,
      indexed: plan.ascending,
      indexedDescending: plan.descending,
      stringFields,
      looseFields,
    },
    fields: model.fields,
    fieldNames: [...Object.keys(model.fields), 'id', 'createdAt', 'updatedAt'],
    options,
  }
}

/** The spec's `s3_client` argument: an AWS SDK `S3Client`, an `S3FetchClient`, an `S3ClientManager` or any ObjectStore. */
export type QueryClient = S3ClientLike

/** A repository for the spec-style constructor `new Query(model, client, bucket)`. */
export function repositoryFor(
  model: Model,
  client: QueryClient,
  bucket: string,
  extra: { basePath?: string; models?: readonly Model[] } = {},
): Repository<Model> {
  const store =
    typeof (client as ObjectStore).deleteMany === 'function'
      ? (client as ObjectStore)
      : client instanceof S3ClientManager
        ? client.store(bucket)
        : s3Store({ client: client as Exclude<QueryClient, ObjectStore | S3ClientManager>, bucket })
  const models = [model, ...(extra.models ?? []).filter((m) => m !== model)]
  return createDatabase({ store, models, ...(extra.basePath !== undefined ? { basePath: extra.basePath } : {}) }).repository(model)
}
