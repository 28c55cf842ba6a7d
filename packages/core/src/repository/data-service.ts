import { S3ClientManager } from '../client/s3-client-manager.js'
import { isS3verlessError } from '../errors.js'
import type { InferCreate, InferRecord, InferUpdate, Model } from '../model/define-model.js'
import type { S3FetchClient } from '../s3/s3-fetch-client.js'
import type { SdkS3ClientLike } from '../s3/sdk-client.js'
import type { ProviderName, ProviderQuirks } from '../store/provider-quirks.js'
import { s3Store } from '../store/s3-store.js'
import type { ObjectStore } from '../store/types.js'
import { createDatabase } from './database.js'
import type { IterateOptions } from './list-records.js'
import type { PageResult, Repository, Stored } from './repository.js'

/**
 * What the spec's `s3_client` argument may be: an AWS SDK v3 `S3Client` (its region, endpoint and
 * credentials are used), an {@link S3FetchClient}, an `S3ClientManager`, or any ObjectStore.
 */
export type S3ClientLike = SdkS3ClientLike | S3FetchClient | S3ClientManager | ObjectStore

/** Options of {@link S3DataService}. */
export interface S3DataServiceOptions {
  /** Key prefix (default `s3verless-data/`). */
  basePath?: string
  /** Related models, when the model has relations. */
  models?: readonly Model[]
  /** Provider quirks when given a raw SDK client (default `'aws'`). */
  provider?: ProviderName | Partial<ProviderQuirks>
}

const isStore = (value: unknown): value is ObjectStore =>
  typeof (value as ObjectStore).list === 'function' && typeof (value as ObjectStore).deleteMany === 'function'

/**
 * The spec's `S3DataService(model, bucketName)`: CRUD whose methods take the client as first
 * argument, implemented on the repository (same write protocol, same errors).
 * @example
 * const service = new S3DataService(Product, 'my-bucket')
 * const p = await service.create(s3Client, { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' })
 */
export class S3DataService<M extends Model> {
  private readonly repos = new WeakMap<object, Repository<M>>()

  constructor(
    readonly model: M,
    readonly bucketName: string,
    private readonly options: S3DataServiceOptions = {},
  ) {}

  private repo(client: S3ClientLike): Repository<M> {
    let repo = this.repos.get(client)
    if (!repo) {
      const store = isStore(client)
        ? client
        : client instanceof S3ClientManager
          ? client.store(this.bucketName)
          : s3Store({ client, bucket: this.bucketName, ...(this.options.provider ? { provider: this.options.provider } : {}) })
      const models = [this.model, ...(this.options.models ?? []).filter((m) => m !== this.model)]
      repo = createDatabase({
        store,
        models,
        ...(this.options.basePath !== undefined ? { basePath: this.options.basePath } : {}),
      }).repository(this.model)
      this.repos.set(client, repo)
    }
    return repo
  }

  /** The record, or `null`. */
  get(client: S3ClientLike, id: string): Promise<Stored<InferRecord<M>> | null> {
    return this.repo(client).get(id)
  }

  /** Creates a record, enforcing unique fields. @throws ValidationError, UniqueConstraintError */
  create(client: S3ClientLike, data: InferCreate<M>): Promise<Stored<InferRecord<M>>> {
    return this.repo(client).create(data)
  }

  /** Updates a record; `null` when it does not exist. @throws ValidationError, UniqueConstraintError, ConflictError */
  async update(client: S3ClientLike, id: string, data: InferUpdate<M>): Promise<Stored<InferRecord<M>> | null> {
    try {
      return await this.repo(client).update(id, data)
    } catch (error) {
      if (isS3verlessError(error, 'model.notFound')) return null
      throw error
    }
  }

  /** Deletes a record; false when it did not exist. */
  delete(client: S3ClientLike, id: string): Promise<boolean> {
    return this.repo(client).delete(id)
  }

  /** Whether a record exists. */
  exists(client: S3ClientLike, id: string): Promise<boolean> {
    return this.repo(client).exists(id)
  }

  /** A page of records and the marker of the next page (the spec's tuple). */
  async listByPrefix(client: S3ClientLike, limit = 100, marker?: string): Promise<[Stored<InferRecord<M>>[], string | undefined]> {
    const page = await this.repo(client).listByPrefix({ limit, ...(marker !== undefined ? { marker } : {}) })
    return [page.items, page.nextMarker]
  }

  /**
   * Every record, in id order, streamed a bounded window at a time (see `Repository.iterate`).
   * @example
   * for await (const product of service.iterate(client)) console.log(product.name)
   */
  iterate(client: S3ClientLike, options: IterateOptions = {}): AsyncGenerator<Stored<InferRecord<M>>> {
    return this.repo(client).iterate(options)
  }

  /** Page `page` of `pageSize` records with totals. */
  paginate(client: S3ClientLike, page = 1, pageSize = 20): Promise<PageResult<Stored<InferRecord<M>>>> {
    return this.repo(client).paginate({ page, pageSize })
  }
}
