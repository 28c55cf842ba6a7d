import { resolveCredentials, type S3CredentialsSource } from './s3-credentials.js'
import { responseError, S3NetworkError } from './s3-response-error.js'
import { presignUrl, type SigningInput, signRequest } from './sigv4.js'

/** How to reach an S3 endpoint. */
export interface S3FetchClientOptions {
  /** The endpoint URL (default `https://s3.{region}.amazonaws.com`). */
  endpoint?: string
  /** Signing region (default `us-east-1`; R2 takes `auto`). */
  region?: string
  credentials: S3CredentialsSource
  /** Bucket in the path (`endpoint/bucket/key`) rather than the host name (default: on when an endpoint is given). */
  forcePathStyle?: boolean
  /** The `fetch` to send with (default: the global one, looked up at each request). */
  fetch?: typeof fetch
}

/** One S3 request. */
export interface S3Request {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE'
  bucket: string
  key?: string
  /** Query parameters (`{ 'list-type': '2' }`; `{ delete: '' }` for a bare flag). */
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: Uint8Array | string
  /** The operation's name, for errors and statistics (`GetObject`). */
  operation: string
}

/** A successful (2xx) S3 answer, body read. */
export interface S3Answer {
  status: number
  headers: Headers
  body: Uint8Array
  /** S3's `Date` header (the local clock when it has none). */
  serverTime: Date
}

/** What to presign: a request made later by someone else (a browser), valid for `expiresIn` seconds. */
export interface S3PresignRequest extends Omit<S3Request, 'body' | 'operation'> {
  expiresIn: number
}

/** Encodes a key for a URL path: every byte but unreserved characters and `/` percent-encoded. */
const encodeKey = (key: string) =>
  encodeURIComponent(key)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/')

/** Errors that say the code (ours, a polyfill's, the runtime's) is broken, not that the network failed. */
const isProgrammingError = (error: unknown) =>
  error instanceof ReferenceError || error instanceof SyntaxError || error instanceof RangeError || error instanceof EvalError

/**
 * A small S3 client on `fetch` and Web Crypto (SigV4 signed with Web Crypto): no Node built-in and no
 * AWS SDK, so it runs on Node, Workers-style runtimes (workerd, Vercel Edge, Deno, Bun) and browsers.
 * It sends one request per call, without retrying (stores retry what is safe to retry), and throws
 * `S3ResponseError` for a non-2xx answer and `S3NetworkError` when no answer came.
 * @example
 * const s3 = new S3FetchClient({ endpoint: 'http://127.0.0.1:7480', credentials: { accessKeyId, secretAccessKey } })
 * const answer = await s3.send({ method: 'GET', bucket: 'b', key: 'k', operation: 'GetObject' })
 */
export class S3FetchClient {
  readonly region: string
  readonly endpoint: URL
  readonly forcePathStyle: boolean
  private readonly credentials: S3CredentialsSource
  private readonly fetcher: typeof fetch | undefined
  private readonly signingKeys = new Map<string, ArrayBuffer>()

  constructor(options: S3FetchClientOptions) {
    this.region = options.region ?? 'us-east-1'
    this.endpoint = new URL(options.endpoint ?? `https://s3.${this.region}.amazonaws.com`)
    this.forcePathStyle = options.forcePathStyle ?? options.endpoint !== undefined
    this.credentials = options.credentials
    this.fetcher = options.fetch
  }

  /** The URL of a bucket or object, with a query. */
  url(bucket: string, key: string | undefined, query: Record<string, string> = {}): URL {
    const url = new URL(this.endpoint.href)
    const base = url.pathname.replace(/\/$/, '')
    const path = key === undefined ? '' : `/${encodeKey(key)}`
    if (this.forcePathStyle) url.pathname = `${base}/${encodeURIComponent(bucket)}${path}`
    else {
      url.hostname = `${bucket}.${url.hostname}`
      url.pathname = `${base}${path || '/'}`
    }
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
    return url
  }

  private async signing(url: URL, method: string, headers: Record<string, string>): Promise<SigningInput> {
    const credentials = await resolveCredentials(this.credentials)
    return { method, url, headers, region: this.region, credentials, keyCache: this.signingKeys }
  }

  /**
   * Sends one signed request and reads the answer.
   * @throws S3ResponseError for a status outside 2xx (its `name` is S3's error code);
   * S3NetworkError when no answer came. Anything else thrown is a fault in the caller or runtime, not S3's.
   */
  async send(request: S3Request): Promise<S3Answer> {
    const url = this.url(request.bucket, request.key, request.query)
    const signed = await signRequest(await this.signing(url, request.method, request.headers ?? {}), request.body)
    const fetcher = this.fetcher ?? globalThis.fetch
    let response: Response
    try {
      response = await fetcher(signed.url.href, {
        method: request.method,
        headers: signed.headers,
        ...(request.body !== undefined ? { body: request.body as BodyInit } : {}),
      })
    } catch (error) {
      throw isProgrammingError(error) ? error : new S3NetworkError(request.operation, error)
    }
    const date = response.headers.get('date')
    const serverTime = date ? new Date(date) : undefined
    const body = request.method === 'HEAD' ? new Uint8Array() : new Uint8Array(await response.arrayBuffer())
    if (response.status < 200 || response.status >= 300) {
      throw responseError(response.status, new TextDecoder().decode(body), serverTime)
    }
    return { status: response.status, headers: response.headers, body, serverTime: serverTime ?? new Date() }
  }

  /**
   * A presigned URL: the request signed into its query string, valid for `expiresIn` seconds (1 s to
   * 7 days). Every header given is signed as a header, so whoever uses the URL must send exactly
   * those values (a `Content-Type`, a `Content-Length`, `If-None-Match: *`, metadata).
   */
  async presign(request: S3PresignRequest): Promise<string> {
    const url = this.url(request.bucket, request.key, request.query)
    return (await presignUrl(await this.signing(url, request.method, request.headers ?? {}), request.expiresIn)).href
  }
}
