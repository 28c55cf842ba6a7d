/**
 * AWS Signature Version 4 for S3 on Web Crypto (`crypto.subtle`), so it runs wherever `fetch` does.
 * Two forms: an `Authorization` header over the request (its body hashed into
 * `x-amz-content-sha256`), and a presigned URL (the signature in the query string, the payload
 * unsigned, every given header signed so whoever uses the URL must send exactly those values).
 */

/** Access keys, and the session token of temporary credentials. */
export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string | undefined
}

/** What is signed. `url` carries the query; its path must already be percent-encoded as sent. */
export interface SigningInput {
  method: string
  url: URL
  headers: Record<string, string>
  region: string
  credentials: SigningCredentials
  /** Signing time (default now). */
  now?: Date
  /** Derived signing keys by date/region/secret, reused while the date stays the same. */
  keyCache?: Map<string, ArrayBuffer>
}

const ALGORITHM = 'AWS4-HMAC-SHA256'
const UNSIGNED = 'UNSIGNED-PAYLOAD'
/** Headers a header-signed request does not sign: fetch or a proxy may set or change them. */
const UNSIGNED_HEADERS = new Set(['authorization', 'content-length', 'user-agent', 'expect', 'connection', 'x-amzn-trace-id'])

const utf8 = new TextEncoder()
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
const sha256 = (data: Uint8Array | string) =>
  crypto.subtle.digest('SHA-256', typeof data === 'string' ? utf8.encode(data) : (data as Uint8Array<ArrayBuffer>))

async function hmac(key: ArrayBuffer | Uint8Array, data: string): Promise<ArrayBuffer> {
  const imported = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return crypto.subtle.sign('HMAC', imported, utf8.encode(data))
}

/** RFC 3986 encoding, as SigV4 wants for query names and values. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** `20130524T000000Z` */
const amzDate = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, '')

async function signingKey(c: SigningCredentials, day: string, region: string, cache?: Map<string, ArrayBuffer>) {
  const id = `${day}/${region}/${c.accessKeyId}/${c.secretAccessKey}`
  const cached = cache?.get(id)
  if (cached) return cached
  let key = await hmac(utf8.encode(`AWS4${c.secretAccessKey}`), day)
  for (const part of [region, 's3', 'aws4_request']) key = await hmac(key, part)
  if (cache) {
    if (cache.size > 16) cache.clear()
    cache.set(id, key)
  }
  return key
}

/** The query string as SigV4 canonicalises it (and as it is sent): RFC 3986 names and values, sorted. */
const canonicalQuery = (url: URL) =>
  [...url.searchParams]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')

/** Canonical request → signature over `url` (path and `query` as sent) and `headers` (lower-case names, sorted). */
async function signature(
  input: SigningInput,
  query: string,
  time: string,
  scope: string,
  headers: [string, string][],
  payloadHash: string,
) {
  const canonical = [
    input.method,
    input.url.pathname,
    query,
    headers.map(([k, v]) => `${k}:${v}\n`).join(''),
    headers.map(([k]) => k).join(';'),
    payloadHash,
  ].join('\n')
  const toSign = [ALGORITHM, time, scope, hex(await sha256(canonical))].join('\n')
  return hex(await hmac(await signingKey(input.credentials, time.slice(0, 8), input.region, input.keyCache), toSign))
}

/** `url` with its query written the canonical way (so what is sent is what was signed: `%20`, never `+`). */
function withQuery(url: URL, query: string): URL {
  const out = new URL(url.href)
  out.search = query
  return out
}

/** Headers as SigV4 canonicalises them: lower-case names, trimmed values with inner runs of spaces folded, sorted. */
const canonicalHeaders = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => [k.toLowerCase(), String(v).trim().replace(/\s+/g, ' ')] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

const hostOf = (url: URL) => url.host

/**
 * Signs a request with an `Authorization` header. Returns the URL to send (its query in canonical
 * form) and the headers (the given ones plus `x-amz-date`, `x-amz-content-sha256`, the session
 * token and `authorization`).
 */
export async function signRequest(
  input: SigningInput,
  body: Uint8Array | string | undefined,
): Promise<{ url: URL; headers: Record<string, string> }> {
  const time = amzDate(input.now ?? new Date())
  const scope = `${time.slice(0, 8)}/${input.region}/s3/aws4_request`
  const payloadHash = hex(await sha256(body ?? ''))
  const added: Record<string, string> = {
    'x-amz-date': time,
    'x-amz-content-sha256': payloadHash,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  }
  const all = { ...input.headers, ...added }
  const signed = canonicalHeaders({ ...all, host: hostOf(input.url) }).filter(([k]) => !UNSIGNED_HEADERS.has(k))
  const query = canonicalQuery(input.url)
  const sig = await signature(input, query, time, scope, signed, payloadHash)
  const authorization = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signed.map(([k]) => k).join(';')}, Signature=${sig}`
  return { url: withQuery(input.url, query), headers: { ...all, authorization } }
}

/** A presigned URL for `input` valid `expiresIn` seconds: every given header is signed. */
export async function presignUrl(input: SigningInput, expiresIn: number): Promise<URL> {
  const time = amzDate(input.now ?? new Date())
  const scope = `${time.slice(0, 8)}/${input.region}/s3/aws4_request`
  const signed = canonicalHeaders({ ...input.headers, host: hostOf(input.url) })
  const url = new URL(input.url.href)
  const q = url.searchParams
  q.set('X-Amz-Algorithm', ALGORITHM)
  q.set('X-Amz-Credential', `${input.credentials.accessKeyId}/${scope}`)
  q.set('X-Amz-Date', time)
  q.set('X-Amz-Expires', String(expiresIn))
  if (input.credentials.sessionToken) q.set('X-Amz-Security-Token', input.credentials.sessionToken)
  q.set('X-Amz-SignedHeaders', signed.map(([k]) => k).join(';'))
  const query = canonicalQuery(url)
  const sig = await signature({ ...input, url }, query, time, scope, signed, UNSIGNED)
  return withQuery(url, `${query}&X-Amz-Signature=${sig}`)
}
