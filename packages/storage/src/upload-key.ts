import { isUuid, MAX_KEY_BYTES, uuidv7 } from '@s3verless/core'
import { guessContentType, keyExtension } from './content-type.js'
import { StorageError } from './errors.js'
import { checkKeyPrefix } from './upload-config.js'

/** Options for {@link uploadKeyFor}. */
export interface UploadKeyOptions {
  /** Key prefix (default `'uploads/'`; a missing trailing `/` is added). Usually `config.keyPrefix`. */
  prefix?: string
  /** The upload's id, a UUID (default a new UUIDv7); it is also the id of the upload's file record. */
  id?: string
  /** Upload time; its UTC date forms the date folders (default now). */
  now?: Date
  /** The content type the object is stored with (default: guessed from the file name); picks the extension. */
  contentType?: string
}

/** What an upload key is made of (see {@link parseUploadKey}). */
export interface UploadKeyParts {
  /** The upload's UUID, lower-case: the id of its file record. */
  readonly id: string
  /** The UTC date folders, `yyyy/mm/dd`. */
  readonly date: string
  /** `''` or like `'.png'`. */
  readonly extension: string
}

/** Longest file name kept, in UTF-8 bytes: the limit of common file systems, so downloads keep the name. */
export const MAX_UPLOAD_NAME_BYTES = 255
/** Name used when nothing usable is left of the original one. */
const FALLBACK_NAME = 'file'
/** Bytes after the prefix: `yyyy/mm/dd/` (11), a UUID (36), an extension (at most 16). */
const KEY_TAIL_BYTES = 11 + 36 + 16

const CONTROL = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
/** Characters that break download names on common file systems or need escaping in URLs. */
const AWKWARD = /[<>:"|?*^`{}[\]~#%]/g
const UPLOAD_TAIL =
  /^(\d{4})\/(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.[a-z0-9]{1,15})?$/

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
 * Makes a user-supplied file name safe to keep and to offer back in downloads: keeps only the last
 * path segment (browsers on Windows may send `C:\Users\me\cat.png`), drops `.` and `..` segments,
 * control and bidirectional-override characters and unpaired surrogates, replaces characters that
 * break file systems or URLs (`<>:"|?*^\`{}[]~#%`) with `_`, collapses runs of dots and of
 * whitespace, trims leading dots and surrounding dots and spaces. Letters of every script and
 * emoji are kept. May return `''` (see {@link safeFilename}).
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
 * {@link sanitizeFilename}, shortened to at most 255 UTF-8 bytes (keeping the extension, never
 * splitting a character), and `'file'` when nothing usable is left: the name an upload's record keeps.
 * @example safeFilename('../../etc/passwd') // 'passwd'
 */
export function safeFilename(filename: string): string {
  return fitName(sanitizeFilename(filename), MAX_UPLOAD_NAME_BYTES) || FALLBACK_NAME
}

/**
 * The object key for an upload: `{prefix}{yyyy}/{mm}/{dd}/{uuid}{ext}`, for example
 * `uploads/2026/11/26/0193…c1.png`, where the date is the upload's UTC date and `ext` comes from
 * the file name when it names the content type, else from the content type (see `keyExtension`).
 * Nothing else of the user's file name enters the key, so it can never add a path segment.
 * @throws StorageError `storage.invalidConfig` when `id` is not a UUID, `now` is not a valid date,
 * or the prefix is malformed (empty, leading `/`, `.`/`..`/empty segments) or too long for S3's key limit.
 * @example
 * uploadKeyFor('../../etc/cat.JPG', { id: '0193a1b2-0000-7000-8000-000000000001', now: new Date('2026-11-26T10:00:00Z') })
 * // 'uploads/2026/11/26/0193a1b2-0000-7000-8000-000000000001.jpg'
 */
export function uploadKeyFor(filename: string, options: UploadKeyOptions = {}): string {
  const { id = uuidv7(), now = new Date() } = options
  const prefix = checkKeyPrefix(options.prefix ?? 'uploads/')
  const fail = (message: string): never => {
    throw new StorageError('storage.invalidConfig', `Cannot make an upload key: ${message}`, { details: { filename, id } })
  }
  if (prefix.problem) fail(`the prefix ${prefix.problem}`)
  if (!isUuid(id)) fail(`the id must be a UUID, got ${JSON.stringify(id)}`)
  if (!(now instanceof Date) || Number.isNaN(now.getTime()) || now.getUTCFullYear() < 0 || now.getUTCFullYear() > 9999) {
    fail('"now" is not a valid date')
  }
  if (bytesOf(prefix.prefix) + KEY_TAIL_BYTES > MAX_KEY_BYTES) {
    fail(`the prefix is too long: ${bytesOf(prefix.prefix)} bytes, at most ${MAX_KEY_BYTES - KEY_TAIL_BYTES} leave room for the key`)
  }
  const pad = (n: number, width: number) => String(n).padStart(width, '0')
  const date = `${pad(now.getUTCFullYear(), 4)}/${pad(now.getUTCMonth() + 1, 2)}/${pad(now.getUTCDate(), 2)}`
  return `${prefix.prefix}${date}/${id.toLowerCase()}${keyExtension(filename, options.contentType ?? guessContentType(filename))}`
}

/**
 * The parts of an upload key made by {@link uploadKeyFor} under `prefix`, or `undefined` for any
 * other key: outside the prefix, another model's record, a key with extra segments, a malformed one.
 * @example parseUploadKey('uploads/2026/11/26/0193…c1.png', 'uploads/') // { id: '0193…c1', date: '2026/11/26', extension: '.png' }
 */
export function parseUploadKey(key: string, prefix: string): UploadKeyParts | undefined {
  if (typeof key !== 'string' || !key.startsWith(prefix) || prefix === '') return undefined
  const match = UPLOAD_TAIL.exec(key.slice(prefix.length))
  if (!match) return undefined
  return { id: match[4]!, date: `${match[1]}/${match[2]}/${match[3]}`, extension: match[5] ?? '' }
}
