import { S3verlessError } from '@s3verless/core'

/** Error code for parameters that cannot be turned into a cache key. */
export const INVALID_KEY = 'cache.invalidKey'

/**
 * A canonical text for a JSON-like value, so that equal parameters always give the same text:
 * object keys are sorted (recursively), properties whose value is `undefined` are dropped, `undefined`
 * array items become `null` (as in JSON), Dates become their ISO string, and anything with a
 * `toJSON` method is replaced by its result. Arrays keep their order. Unlike JSON, `NaN`,
 * `±Infinity` and bigints keep distinct spellings (`NaN`, `Infinity`, `12n`). The text is injective:
 * different normalised values give different texts.
 *
 * @throws S3verlessError with code `'cache.invalidKey'` for values that have no faithful
 *   canonical form (functions, symbols, Maps, Sets, other class instances without `toJSON`,
 *   invalid Dates, cycles), rather than letting them collide silently.
 */
export const canonicalText = (value: unknown): string => write(value, '$', new Set())

const fail = (path: string, what: string): never => {
  throw new S3verlessError(INVALID_KEY, `Cannot build a cache key from ${what} at ${path}`, { details: { path } })
}

const write = (value: unknown, path: string, ancestors: Set<object>): string => {
  switch (typeof value) {
    case 'undefined':
      return 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : String(value)
    case 'bigint':
      return `${value}n`
    case 'string':
      return JSON.stringify(value) // escapes lone surrogates, so distinct strings stay distinct
    case 'function':
    case 'symbol':
      return fail(path, `a ${typeof value}`)
  }
  if (value === null) return 'null'
  const object = value as object
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) fail(path, 'an invalid Date')
    return JSON.stringify(object.toISOString())
  }
  if (ancestors.has(object)) fail(path, 'a circular reference')
  ancestors.add(object)
  try {
    return writeObject(object, path, ancestors)
  } finally {
    ancestors.delete(object)
  }
}

const writeObject = (object: object, path: string, ancestors: Set<object>): string => {
  if (Array.isArray(object)) {
    return `[${object.map((item: unknown, i) => write(item, `${path}[${i}]`, ancestors)).join(',')}]`
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return write(toJSON.call(object), path, ancestors)
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto !== Object.prototype && proto !== null) fail(path, `a ${object.constructor?.name ?? 'class'} instance`)
  const record = object as Record<string, unknown>
  const fields = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`)
  return `{${fields.join(',')}}`
}
