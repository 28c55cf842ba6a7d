import { textOf } from './xml-reader.js'

/**
 * An S3 answer with an error status (anything but 2xx), shaped as the AWS SDK shapes its errors
 * (`name` is S3's error code, `$metadata.httpStatusCode` the status) so one translation serves both.
 */
export class S3ResponseError extends Error {
  override readonly name: string
  readonly $metadata: { httpStatusCode: number }
  /** S3's `Date` header, when the answer had one. */
  readonly serverTime: Date | undefined

  constructor(status: number, code: string, message: string, serverTime: Date | undefined) {
    super(message || `S3 answered ${status} ${code}`)
    this.name = code
    this.$metadata = { httpStatusCode: status }
    this.serverTime = serverTime
  }
}

/** The request never got an answer (connection refused or reset, DNS, TLS, an abort): worth retrying. */
export class S3NetworkError extends Error {
  override readonly name = 'NetworkError'
  /** The system error code when the runtime gives one (`ECONNREFUSED`, `ECONNRESET`…). */
  readonly code: string | undefined

  constructor(operation: string, cause: unknown) {
    const inner = (cause as { cause?: { code?: string; message?: string } })?.cause
    const detail = inner?.message ?? (cause as Error)?.message ?? String(cause)
    super(`No answer from the object store to ${operation}: ${detail}`, { cause })
    this.code = inner?.code
  }
}

/** Names the status codes S3 answers without a body (HEAD, 304). */
const BODILESS: Record<number, string> = { 304: 'NotModified', 404: 'NotFound', 412: 'PreconditionFailed', 403: 'Forbidden' }

/** Builds the error for an S3 answer with status ≥ 300 from its XML body (`<Error><Code>…`). */
export function responseError(status: number, body: string, serverTime: Date | undefined): S3ResponseError {
  const code = textOf(body, 'Code') ?? BODILESS[status] ?? (status >= 500 ? 'InternalError' : 'UnknownError')
  return new S3ResponseError(status, code, textOf(body, 'Message') ?? '', serverTime)
}
