import { MAX_KEY_BYTES, S3verlessError } from '@s3verless/core'
import { checkKeyPrefix } from './upload-config.js'

/** Options for {@link uploadKeyFor}. */
export interface UploadKeyOptions {
  /** Key prefix (default `'uploads/'`; a missing trailing `/` is added). Usually `config.keyPrefix`. */
  prefix?: string
  /** Unique id placed before the name: letters, digits, `_` and `-`, at most 128 (default a random UUID). */
  id?: string
  /** Upload time; its UTC date forms the date folders (default now). */
  now?: Date
}

/** Longest file name kept, in UTF-8 bytes: the limit of common file systems, so downloads keep the name. */
export const MAX_UPLOAD_NAME_BYTES = 255
/** Name used when nothing usable is left of the original one. */
const FALLBACK_NAME = 'file'

const ID = /^[A-Za-z0-9_-]{1,128}$/
const CONTROL = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
/** Characters that break download names on common file systems or need escaping in URLs. */
const AWKWARD = /[<>:"|?*^`{}[\]~#%]/g

const encoder = new TextEncoder()
const bytesOf = (text: string) => encoder.encode(text).length
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' })

/** Keeps the longest run of whole characters (grapheme clusters) of `text` that fits in `limit` bytes. */
function truncateBytes(text: string, limit: number): string {
  let kept = ''
  let used = 0
  for (const { segment } of graphemes.segment(text)) {
    const size = bytesOf(segment)
    if (used + size > limit) break
    kept += segment
    used += size
  }
  return kept
}

/** Shortens a name to `limit` bytes, keeping a short extension (`.jpeg`) when there is one. */
function fitName(name: string, limit: number): string {
  if (bytesOf(name) <= limit) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
  const stem = truncateBytes(extension ? name.slice(0, dot) : name, limit - bytesOf(extension)).trimEnd()
  return stem === '' ? truncateBytes(name, limit) : stem + extension
}

/**
 * Makes a user-supplied file name safe to use inside an object key: keeps only the last path
 * segment (browsers on Windows may send `C:\Users\me\cat.png`), drops `.` and `..` segments,
 * control and bidirectional-override characters and unpaired surrogates, replaces characters that
 * break file systems or URLs (`<>:"|?*^\`{}[]~#%`) with `_`, collapses runs of dots and of
 * whitespace, trims leading dots and surrounding dots and spaces. Letters of every script and
 * emoji are kept. May return `''`.
 */
export function sanitizeFilename(filename: string): string {
  const segments = filename
    .normalize('NFC')
    .replace(LONE_SURROGATE, '')
    .replace(CONTROL, '')
    .split(/[/\\]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '.' && s !== '..')
  return (segments.at(-1) ?? '')
    .replace(AWKWARD, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '')
}

/**
 * The object key for an upload: `{prefix}{yyyy}/{mm}/{dd}/{id}-{name}`, for example
 * `uploads/2026/11/26/0193…-cat.png`, where the date is the upload's UTC date and `name` is
 * {@link sanitizeFilename}'s result (or `file` when nothing usable is left). The name is shortened
 * (keeping its extension, never splitting a character) to at most 255 UTF-8 bytes and so that the
 * whole key stays within S3's 1024-byte limit. The key is never empty and never escapes the prefix.
 * @throws S3verlessError `upload.invalidKey` when `id` is not 1–128 letters, digits, `_` or `-`,
 * `now` is not a valid date, the prefix is malformed (leading `/`, `.`/`..`/empty segments), or the
 * prefix is so long that no name fits.
 * @example
 * uploadKeyFor('../../etc/passwd', { id: 'abc', now: new Date('2026-11-26T10:00:00Z') })
 * // 'uploads/2026/11/26/abc-passwd'
 */
export function uploadKeyFor(filename: string, options: UploadKeyOptions = {}): string {
  const { id = crypto.randomUUID(), now = new Date() } = options
  const prefix = checkKeyPrefix(options.prefix ?? 'uploads/')
  const fail = (message: string): never => {
    throw new S3verlessError('upload.invalidKey', `Cannot make an upload key: ${message}`, { details: { filename, id } })
  }
  if (prefix.problem) fail(`the prefix ${prefix.problem}`)
  if (!ID.test(id)) fail(`the id must be 1-128 letters, digits, "_" or "-", got ${JSON.stringify(id)}`)
  if (!(now instanceof Date) || Number.isNaN(now.getTime()) || now.getUTCFullYear() < 0) fail('"now" is not a valid date')

  const pad = (n: number, width: number) => String(n).padStart(width, '0')
  const date = `${pad(now.getUTCFullYear(), 4)}/${pad(now.getUTCMonth() + 1, 2)}/${pad(now.getUTCDate(), 2)}`
  const head = `${prefix.prefix}${date}/${id}-`
  const room = Math.min(MAX_UPLOAD_NAME_BYTES, MAX_KEY_BYTES - bytesOf(head))
  if (room < FALLBACK_NAME.length) fail(`the prefix is too long: ${bytesOf(head)} bytes before the name, the key limit is ${MAX_KEY_BYTES}`)
  const name = fitName(sanitizeFilename(filename), room)
  return head + (name === '' ? FALLBACK_NAME : name)
}
