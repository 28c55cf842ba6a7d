import { encodeMetadata, type UploadMetadata } from './metadata.js'
import type { UploadContext } from './service-options.js'
import { parseUploadKey, safeFilename, uploadKeyFor } from './upload-key.js'
import type { UploadClient } from './upload-target.js'
import { resolveContentType } from './upload-url.js'
import type { UploadedFile } from './uploaded-file.js'
import { formatBytes, rejectUpload, validateUpload } from './validate-upload.js'

/** A request body: bytes, or a stream of them (a `Request.body`, a Node stream, any async iterable). */
export type UploadBody = Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** What {@link PresignedUploadService.storeUpload} stores. */
export interface StoreUploadInput {
  /** The file's name as the user has it (from the route or a header); kept, made safe, in the record. */
  filename: string
  /** Its media type (default: guessed from the name's extension). */
  contentType?: string | null
  /** The bytes. A stream is read only up to the size limit: a longer one is refused without reading it all. */
  body: UploadBody
  /** The authenticated user storing it, or `null`. */
  uploadedBy?: string | null
  /** The size the client declared (a `Content-Length`): refused at once if over the limit, and must match the body. */
  size?: number
  /** The application's metadata, kept in the record. */
  metadata?: UploadMetadata | null
}

const chunksOf = (body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> =>
  Symbol.asyncIterator in body
    ? (body as AsyncIterable<Uint8Array>)
    : {
        async *[Symbol.asyncIterator]() {
          const reader = (body as ReadableStream<Uint8Array>).getReader()
          try {
            for (;;) {
              const { done, value } = await reader.read()
              if (done) return
              yield value
            }
          } finally {
            await reader.cancel().catch(() => {})
          }
        },
      }

/** Reads a body into one array, refusing it as soon as it passes `limit` bytes. */
async function readBody(body: UploadBody, limit: number, onTooLarge: (size: number) => never): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body.length > limit ? onTooLarge(body.length) : body
  if (body instanceof ArrayBuffer) return body.byteLength > limit ? onTooLarge(body.byteLength) : new Uint8Array(body)
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of chunksOf(body)) {
    total += chunk.length
    if (total > limit) onTooLarge(total) // leaving the loop cancels the stream
    chunks.push(chunk)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return bytes
}

/** {@link PresignedUploadService.storeUpload}'s work; see there. */
export async function storeUpload(context: UploadContext, client: UploadClient, input: StoreUploadInput): Promise<UploadedFile> {
  const { config } = context
  const { filename } = input
  const contentType = resolveContentType(filename, input.contentType)
  validateUpload(config, { filename, contentType, size: input.size ?? 0 })
  const name = safeFilename(filename)
  encodeMetadata(name, input.uploadedBy ?? null, input.metadata ?? undefined) // the same metadata rules as presigned uploads
  const request = { filename, contentType }
  const bytes = await readBody(input.body, config.maxFileSize, (size) =>
    rejectUpload('size', { ...request, size }, `the file is larger than the limit of ${formatBytes(config.maxFileSize)}`),
  )
  if (input.size !== undefined && input.size !== bytes.length) {
    rejectUpload('size', { ...request, size: bytes.length }, `the body is ${bytes.length} bytes but ${input.size} were declared`)
  }
  const { store } = context.target(client)
  const key = uploadKeyFor(filename, { prefix: config.keyPrefix, now: context.now(), contentType })
  const { etag } = await store.put(key, bytes, { ifNoneMatch: '*', contentType })
  const { id } = parseUploadKey(key, config.keyPrefix)!
  try {
    return await context.files(client).create({
      id,
      s3Key: key,
      filename: name,
      contentType,
      size: bytes.length,
      uploadedBy: input.uploadedBy ?? null,
      etag,
      metadata: { ...(input.metadata ?? {}) },
    })
  } catch (error) {
    await store.delete(key).catch(() => {}) // no record, no object; the cleanup removes it if this fails too
    throw error
  }
}
