/**
 * The raw-SDK floor: what a hand-written program on the AWS SDK would minimally do for the same
 * operations, without any of the library's guarantees (no validation, no uniqueness check, no
 * compare-and-swap, no crash safety). Its layout:
 *   floor/items/{group}/{uuid}.json  the record; the program's id is `{group}/{uuid}`, so the
 *                                    record's key is a hand-kept prefix per indexed value
 *   floor/codes/{code}               the unique value's pointer: the record's id
 * Per operation:
 *   insert         2 PutObject in parallel (record, pointer); no check that the code is free
 *   get            1 GetObject
 *   update         GetObject + PutObject (read, change one field, write back; last writer wins)
 *   list by value  1 ListObjectsV2 over the value's prefix + 1 GetObject per record, in parallel
 *   count by value 1 ListObjectsV2 over the value's prefix
 *   findBy unique  GetObject of the pointer, then GetObject of the record
 *   get missing    1 GetObject (NoSuchKey)
 *   delete         GetObject (to learn the code) + 1 DeleteObjects of the record and its pointer
 */
import { randomUUID } from 'node:crypto'
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'

/** What the floor needs of an S3 client: the SDK's `send` (an `S3Client`, or a stand-in for tests). */
export interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's own overloads differ per command
  send(command: any): Promise<any>
}

export type RequestType = 'GET' | 'PUT' | 'LIST' | 'HEAD' | 'DELETE'
export type TypedCounts = Record<RequestType, number>
export const zeroCounts = (): TypedCounts => ({ LIST: 0, GET: 0, HEAD: 0, PUT: 0, DELETE: 0 })

/** The request type of an SDK command. */
export function requestType(command: object): RequestType {
  if (command instanceof GetObjectCommand) return 'GET'
  if (command instanceof PutObjectCommand) return 'PUT'
  if (command instanceof ListObjectsV2Command) return 'LIST'
  if (command instanceof HeadObjectCommand) return 'HEAD'
  if (command instanceof DeleteObjectsCommand) return 'DELETE'
  const name = command.constructor.name
  if (name === 'DeleteObjectCommand') return 'DELETE'
  throw new Error(`raw floor: uncounted command ${name}`)
}

export interface FloorRecord {
  id: string
  code: string
  group: string
  note: string
}

export class RawFloor {
  private counts = zeroCounts()

  constructor(
    private readonly client: SdkClient,
    readonly bucket: string,
  ) {}

  /** Requests by type since the last call. */
  takeCounts(): TypedCounts {
    const counts = this.counts
    this.counts = zeroCounts()
    return counts
  }

  private send(command: object) {
    this.counts[requestType(command)]++
    return this.client.send(command)
  }

  private async getJson<T>(key: string): Promise<T | null> {
    try {
      const answer = await this.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      return JSON.parse(await answer.Body.transformToString()) as T
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return null
      throw error
    }
  }

  private put(key: string, body: string) {
    return this.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }))
  }

  private recordKey = (id: string) => `floor/items/${id}.json`
  private codeKey = (code: string) => `floor/codes/${encodeURIComponent(code)}`
  private groupPrefix = (group: string) => `floor/items/${encodeURIComponent(group)}/`

  async insert(fields: Omit<FloorRecord, 'id'>): Promise<FloorRecord> {
    const record = { id: `${encodeURIComponent(fields.group)}/${randomUUID()}`, ...fields }
    await Promise.all([this.put(this.recordKey(record.id), JSON.stringify(record)), this.put(this.codeKey(record.code), record.id)])
    return record
  }

  get(id: string): Promise<FloorRecord | null> {
    return this.getJson<FloorRecord>(this.recordKey(id))
  }

  async update(id: string, note: string): Promise<FloorRecord | null> {
    const record = await this.get(id)
    if (!record) return null
    const changed = { ...record, note }
    await this.put(this.recordKey(id), JSON.stringify(changed))
    return changed
  }

  private async keysOf(group: string): Promise<string[]> {
    const answer = await this.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.groupPrefix(group) }))
    return ((answer.Contents ?? []) as { Key: string }[]).map((object) => object.Key)
  }

  /** The records of one group (up to 1,000: one listing page, enough for the benchmark's 20). */
  async listByGroup(group: string): Promise<FloorRecord[]> {
    const records = await Promise.all((await this.keysOf(group)).map((key) => this.getJson<FloorRecord>(key)))
    return records.filter((record): record is FloorRecord => record !== null)
  }

  async countByGroup(group: string): Promise<number> {
    return (await this.keysOf(group)).length
  }

  async findByCode(code: string): Promise<FloorRecord | null> {
    try {
      const answer = await this.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.codeKey(code) }))
      return this.get(await answer.Body.transformToString())
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return null
      throw error
    }
  }

  async delete(id: string): Promise<boolean> {
    const record = await this.get(id)
    if (!record) return false
    const Objects = [{ Key: this.recordKey(id) }, { Key: this.codeKey(record.code) }]
    await this.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }))
    return true
  }
}
