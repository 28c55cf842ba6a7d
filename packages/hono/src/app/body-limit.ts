import type { Context, MiddlewareHandler } from 'hono'
import { HttpError } from '../errors/http-error.js'

/** The default largest request body the API reads (JSON and forms): 1 MiB. Uploads have their own limit. */
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024

const tooLarge = (limit: number) =>
  new HttpError('http.payloadTooLarge', `The body is larger than the ${limit} bytes this API accepts`, { limit })

/**
 * A stream over `body` that errors with `http.payloadTooLarge` as soon as more than `limit` bytes
 * came through, and then stops reading (it cancels `body`). It pulls one chunk per read of its own
 * reader, so nothing is read ahead of the consumer: memory stays within the limit plus one chunk.
 */
export function limitStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let total = 0
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) {
          controller.close()
          return
        }
        total += value.byteLength
        if (total > limit) {
          controller.error(tooLarge(limit))
          await reader.cancel().catch(() => undefined)
          return
        }
        controller.enqueue(value)
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  )
}

/** Options of {@link bodyLimit}. */
export interface BodyLimitOptions {
  /** Most bytes a body may have. */
  maxBodySize: number
  /** Requests the limit does not apply to (they enforce their own, as the upload route does). */
  skip?: (c: Context) => boolean
}

/**
 * Middleware that refuses request bodies over `maxBodySize` with 413 `http.payloadTooLarge`: at once
 * when `Content-Length` says so (nothing is read), and otherwise while the body streams in (a chunked
 * or lying body is cut off after `maxBodySize` bytes, never buffered whole). Uses only web streams, so
 * it works the same on Node (`@hono/node-server`), Lambda and Workers-style runtimes.
 * @throws HttpError `http.payloadTooLarge` (413), from the middleware or from the handler's body read.
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const limit = options.maxBodySize
  return async (c, next) => {
    const raw = c.req.raw
    if (!raw.body || options.skip?.(c)) return next()
    const declared = raw.headers.get('content-length')
    if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit)
    c.req.raw = new Request(raw, { body: limitStream(raw.body, limit), duplex: 'half' } as RequestInit)
    return next()
  }
}
