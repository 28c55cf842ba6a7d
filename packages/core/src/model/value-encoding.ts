/**
 * The `enc(value)` of index and unique keys (DESIGN §4):
 * `{base}_index/{plural}/{field}/{enc(value)}/{id}` and `{base}_unique/{plural}/{field}/{enc(value)}`.
 *
 * Layout: one tag character, then the body.
 *
 * | value            | ascending                   | descending ({@link encodeValueDescending}) |
 * | ---------------- | --------------------------- | ------------------------------------------ |
 * | null / undefined | `0`                         | `Z`                                        |
 * | boolean          | `b0` false, `b1` true       | `V1` false, `V0` true                      |
 * | Date             | `d` + 16 hex of epoch ms    | `T` + the 16 hex digits complemented       |
 * | number           | `n` + 16 hex                | `N` + the 16 hex digits complemented       |
 * | string           | `s` + escaped text          | not supported                              |
 *
 * Numbers (and a Date's epoch milliseconds) are their IEEE-754 bits, made to sort: non-negatives
 * get the sign bit set, negatives have every bit inverted; `-0` is written as `0`.
 * Strings keep their text, except that each character U+0000–U+0030 becomes the two characters
 * `0` and U+0030 + its code. That is a prefix-free code whose code words sort like the bytes they
 * stand for (escaped bytes, led by `0`, sort below every unescaped byte), so the output compares
 * under UTF-8 byte order exactly as the text does.
 *
 * Every output character is ≥ `0` (so none is `/`), which means `enc(a) + '/'` sorts before any
 * longer encoding starting with `enc(a)`, and listings of `enc(value)/id` come back in value order.
 */
import { S3verlessError } from '../errors.js'
import { utf8 } from '../store/bytes.js'
import { sha256Hex } from './sha256.js'

/** A value that can be encoded into an index or unique key. `null` and `undefined` are one value. */
export type IndexValue = string | number | boolean | Date | null | undefined

/** Strings whose encoding is at most this many UTF-8 bytes are stored whole; longer ones are truncated and hashed. */
export const MAX_PLAIN_ENCODED_BYTES = 256

const HASH_MARKER = '0h'
const HASH_HEX_LENGTH = 64

/**
 * The most UTF-8 bytes any encoding takes: a truncated string keeps its shortest prefix whose
 * encoding exceeds {@link MAX_PLAIN_ENCODED_BYTES} (at most 4 bytes over), then a 2-character marker
 * and a 64-hex SHA-256. That is 326 bytes, leaving ~460 of S3's 1024 for base path, names and id.
 */
export const MAX_ENCODED_BYTES = MAX_PLAIN_ENCODED_BYTES + 4 + HASH_MARKER.length + HASH_HEX_LENGTH

const TAG = { null: '0', boolean: 'b', date: 'd', number: 'n', string: 's' } as const
const DESCENDING_TAG = { number: 'N', date: 'T', boolean: 'V', null: 'Z' } as const

/** Thrown for values that have no key encoding. */
function unindexable(kind: string, why = ''): S3verlessError {
  return new S3verlessError(
    'model.unindexableValue',
    `Cannot use ${kind} as an index or unique key value${why}: only strings, numbers (not NaN), booleans, valid Dates and null can be indexed`,
    { details: { kind } },
  )
}

function invalidEncoding(encoded: string, why: string, details: Record<string, unknown> = {}): S3verlessError {
  return new S3verlessError('model.invalidEncoding', `Cannot decode index value ${JSON.stringify(encoded)}: ${why}`, {
    details: { encoded, ...details },
  })
}

function kindName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) return 'an invalid Date'
  if (typeof value === 'number') return 'NaN'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

// ---------------------------------------------------------------------------------------------
// numbers and dates

const scratch = new DataView(new ArrayBuffer(8))

/** 16 hex digits whose byte order is the numeric order of `x` (not NaN); `-0` encodes as `0`. */
function sortableHex(x: number, descending: boolean): string {
  scratch.setFloat64(0, x === 0 ? 0 : x)
  let hi = scratch.getUint32(0)
  let lo = scratch.getUint32(4)
  if (hi & 0x8000_0000) {
    hi = ~hi
    lo = ~lo
  } else {
    hi |= 0x8000_0000
  }
  if (descending) {
    hi = ~hi
    lo = ~lo
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0')
}

/** Inverse of {@link sortableHex}; `undefined` when `hex` is not 16 lowercase hex digits. */
function fromSortableHex(hex: string, descending: boolean): number | undefined {
  if (!/^[0-9a-f]{16}$/.test(hex)) return undefined
  let hi = Number.parseInt(hex.slice(0, 8), 16)
  let lo = Number.parseInt(hex.slice(8), 16)
  if (descending) {
    hi = ~hi
    lo = ~lo
  }
  if (hi & 0x8000_0000) {
    hi &= 0x7fff_ffff
  } else {
    hi = ~hi
    lo = ~lo
  }
  scratch.setUint32(0, hi >>> 0)
  scratch.setUint32(4, lo >>> 0)
  return scratch.getFloat64(0)
}

function timeOf(date: Date): number {
  const time = date.getTime()
  if (Number.isNaN(time)) throw unindexable('an invalid Date')
  return time
}

// ---------------------------------------------------------------------------------------------
// strings

/**
 * `s` + the escaped text of `text`, cut after the first character that takes the encoding past
 * {@link MAX_PLAIN_ENCODED_BYTES} bytes (`truncated` then says so). Throws on lone surrogates.
 */
function encodeStringHead(text: string): { head: string; truncated: boolean } {
  let head: string = TAG.string
  let bytes = head.length
  let truncated = false
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    let piece: string
    let size: number
    if (unit <= 0x30) {
      piece = `0${String.fromCharCode(0x30 + unit)}`
      size = 2
    } else if (unit < 0x80) {
      piece = text[i]!
      size = 1
    } else if (unit < 0x800) {
      piece = text[i]!
      size = 2
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = text.charCodeAt(i + 1)
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw unindexable('a string with a lone surrogate', ` (UTF-16 index ${i})`)
      }
      piece = text.slice(i, i + 2)
      size = 4
      i++
    } else {
      piece = text[i]!
      size = 3
    }
    // Once over the limit, keep scanning only to reject lone surrogates anywhere in the value.
    if (truncated) continue
    head += piece
    bytes += size
    if (bytes > MAX_PLAIN_ENCODED_BYTES) truncated = true
  }
  return { head, truncated }
}

/**
 * Decodes the text after the `s` tag, stopping at the hash marker of a truncated encoding.
 * Returns `undefined` when the text is not a well-formed escaped string.
 */
function decodeStringBody(encoded: string): { text: string; truncated: boolean } | undefined {
  let text = ''
  for (let i = 1; i < encoded.length; i++) {
    const unit = encoded.charCodeAt(i)
    if (unit < 0x30) return undefined
    if (unit !== 0x30) {
      text += encoded[i]
      continue
    }
    const next = encoded.charCodeAt(i + 1)
    if (next >= 0x30 && next <= 0x60) {
      text += String.fromCharCode(next - 0x30)
      i++
    } else if (encoded.startsWith(HASH_MARKER, i)) {
      return { text, truncated: true }
    } else {
      return undefined
    }
  }
  return { text, truncated: false }
}

// ---------------------------------------------------------------------------------------------
// public API

/**
 * Encodes a value for an index or unique key: injective, and order-preserving under UTF-8 byte
 * order (S3's listing order, `compareUtf8`) for values of one kind. Across kinds the order is
 * null < boolean < Date < number < string, as in `compareValues`.
 *
 * A string whose encoding would exceed {@link MAX_PLAIN_ENCODED_BYTES} bytes keeps the encoding
 * of its shortest prefix that exceeds it, then `0h` and the SHA-256 of the whole value: still
 * injective, and ordered correctly against every value except other long strings sharing that
 * kept prefix (those order by hash, so such an index supports only equality for them). See
 * {@link isTruncated}. No Unicode normalization is applied: `'é'` and `'e\u0301'` differ.
 *
 * @throws S3verlessError `model.unindexableValue` for NaN, an invalid Date, a string with a lone
 * surrogate, objects, arrays and any other kind.
 * @example
 * encodeValue(-1.5) < encodeValue(2) // true under compareUtf8, and so in an S3 listing
 * const key = `${base}_index/products/price/${encodeValue(product.price)}/${product.id}`
 */
export function encodeValue(value: IndexValue): string {
  if (value === null || value === undefined) return TAG.null
  switch (typeof value) {
    case 'boolean':
      return value ? `${TAG.boolean}1` : `${TAG.boolean}0`
    case 'number':
      if (Number.isNaN(value)) throw unindexable('NaN')
      return TAG.number + sortableHex(value, false)
    case 'string': {
      const { head, truncated } = encodeStringHead(value)
      return truncated ? head + HASH_MARKER + sha256Hex(utf8(value)) : head
    }
  }
  if (value instanceof Date) return TAG.date + sortableHex(timeOf(value), false)
  throw unindexable(kindName(value))
}

/**
 * The key prefix under which every string starting with `prefix` is listed (for `startswith`):
 * `encodeStringPrefix(p)` is a prefix of `encodeValue(s)` for every string `s` that starts with `p`.
 * When `p` is short enough to be stored whole, the converse holds too (exactly those strings).
 * When `p` itself is too long, every string starting with it is truncated to the same kept prefix,
 * and the result is that shared prefix: the listing may then hold other long strings sharing it,
 * so callers must re-check `startsWith` on the records.
 *
 * @throws S3verlessError `model.unindexableValue` when `prefix` holds a lone surrogate.
 * @example
 * store.list(`${base}_index/users/email/${encodeStringPrefix('ann')}`)
 */
export function encodeStringPrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw unindexable(kindName(prefix), ' as a string prefix')
  const { head, truncated } = encodeStringHead(prefix)
  return truncated ? head + HASH_MARKER : head
}

/**
 * Encodes a value so that byte order is the REVERSE of value order (for descending indexes):
 * larger numbers and later dates first, true before false, null last. Same separator safety as
 * {@link encodeValue}: no `/`, every character ≥ `0`.
 *
 * @throws S3verlessError `model.unindexableValue` for strings (a byte-reversed string order cannot
 * be made prefix-safe in a bounded key; index strings ascending and list them backwards instead),
 * NaN, invalid Dates and any other kind.
 */
export function encodeValueDescending(value: number | Date | boolean | null): string {
  if (value === null || value === undefined) return DESCENDING_TAG.null
  switch (typeof value) {
    case 'boolean':
      return value ? `${DESCENDING_TAG.boolean}0` : `${DESCENDING_TAG.boolean}1`
    case 'number':
      if (Number.isNaN(value)) throw unindexable('NaN')
      return DESCENDING_TAG.number + sortableHex(value, true)
    case 'string':
      throw unindexable('a string', ' in a descending index')
  }
  if (value instanceof Date) return DESCENDING_TAG.date + sortableHex(timeOf(value), true)
  throw unindexable(kindName(value))
}

/** True when `encoded` is a string encoding that was truncated and hashed (it supports equality only). */
export function isTruncated(encoded: string): boolean {
  return truncatedGroup(encoded) !== undefined
}

/**
 * For a truncated (hashed) string encoding, the part before its hash: the kept prefix and the `0h`
 * marker, shared by every string truncated to that prefix and by no other encoding. Such a *tie
 * group* is contiguous in value order and in key order, but inside it keys order by hash, so whoever
 * needs value order (sorting, bounds, cursors) must read the values of a group from the records.
 * `undefined` for every other encoding.
 * @example
 * truncatedGroup(encodeValue('x'.repeat(300) + 'a')) === truncatedGroup(encodeValue('x'.repeat(300) + 'b')) // true
 * encodeStringPrefix('x'.repeat(300)) === truncatedGroup(encodeValue('x'.repeat(300) + 'a')) // true
 */
export function truncatedGroup(encoded: string): string | undefined {
  if (!encoded.startsWith(TAG.string) || encoded.length < HASH_MARKER.length + HASH_HEX_LENGTH + 1) return undefined
  const head = encoded.slice(0, -HASH_HEX_LENGTH)
  if (!head.endsWith(HASH_MARKER) || !/^[0-9a-f]+$/.test(encoded.slice(-HASH_HEX_LENGTH))) return undefined
  return decodeStringBody(encoded)?.truncated === true ? head : undefined
}

/**
 * Decodes an encoding made by {@link encodeValue} or {@link encodeValueDescending}. Dates decode
 * to `Date`, null to `null`, `-0` to `0`.
 *
 * @throws S3verlessError `model.invalidEncoding` when `encoded` is truncated (`details.truncated`
 * is true: the full value is not in the key, read the record) or is not an encoding we produce.
 */
export function decodeValue(encoded: string): IndexValue {
  const decoded = decodeAny(encoded)
  if (decoded === undefined) throw invalidEncoding(encoded, 'not an index value encoding')
  // Accept only canonical encodings: exactly what the encoders produce for the decoded value.
  let again: string | undefined
  try {
    again = decoded.descending ? encodeValueDescending(decoded.value as number | Date | boolean | null) : encodeValue(decoded.value)
  } catch {
    again = undefined
  }
  if (again !== encoded) throw invalidEncoding(encoded, 'not a canonical index value encoding')
  return decoded.value
}

function decodeAny(encoded: string): { value: IndexValue; descending: boolean } | undefined {
  const tag = encoded[0]
  const body = encoded.slice(1)
  switch (tag) {
    case TAG.null:
    case DESCENDING_TAG.null:
      return body === '' ? { value: null, descending: tag === DESCENDING_TAG.null } : undefined
    case TAG.boolean:
    case DESCENDING_TAG.boolean: {
      const descending = tag === DESCENDING_TAG.boolean
      return body === '0' || body === '1' ? { value: (body === '1') !== descending, descending } : undefined
    }
    case TAG.number:
    case DESCENDING_TAG.number: {
      const descending = tag === DESCENDING_TAG.number
      const value = fromSortableHex(body, descending)
      return value === undefined || Number.isNaN(value) ? undefined : { value, descending }
    }
    case TAG.date:
    case DESCENDING_TAG.date: {
      const descending = tag === DESCENDING_TAG.date
      const ms = fromSortableHex(body, descending)
      return ms === undefined || !Number.isInteger(ms) || Math.abs(ms) > 8.64e15 ? undefined : { value: new Date(ms), descending }
    }
    case TAG.string: {
      const decoded = decodeStringBody(encoded)
      if (decoded?.truncated) {
        throw invalidEncoding(encoded, 'the value was too long for a key and is stored hashed; read the record instead', {
          truncated: true,
        })
      }
      return decoded && { value: decoded.text, descending: false }
    }
  }
  return undefined
}
