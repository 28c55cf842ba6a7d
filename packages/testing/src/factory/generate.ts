import type { Faker } from '@faker-js/faker'
import { S3verlessError } from '@s3verless/core'
import { rangeForName, stringForName } from './names.js'
import { type CheckDef, checksOf, type Def, defOf, type Schema } from './zod-def.js'

/** Where in a record a value is being made, for realistic guesses and for errors. */
export interface GenContext {
  faker: Faker
  modelName: string
  /** Path of the value in the record (`['address', 'city']`). */
  path: readonly string[]
  /** Chance an optional field is left out (default 0.2) and a nullable one is null (default 0.1). */
  optionalRate: number
  nullRate: number
}

/** The error a factory throws for a field it cannot fill. */
export const cannotGenerate = (modelName: string, path: readonly string[], why: string, cause?: unknown) =>
  new S3verlessError(
    'testing.factory',
    `Factory for ${modelName}: cannot generate "${path.join('.') || '(root)'}": ${why}. Give the field a generator in \`fields\` or an override.`,
    { details: { model: modelName, field: path.join('.') }, ...(cause === undefined ? {} : { cause }) },
  )

const fieldName = (ctx: GenContext) => [...ctx.path].reverse().find((p) => !/^\d+$/.test(p)) ?? ''
const num = (v: number | bigint | Date | undefined) => (v instanceof Date ? v.getTime() : v === undefined ? undefined : Number(v))

/** A value that passes `schema`, or the best attempt (the factory validates and retries). */
export function generate(schema: Schema, ctx: GenContext): unknown {
  const def = defOf(schema)
  const f = ctx.faker
  switch (def.type) {
    case 'optional':
      return f.number.float({ min: 0, max: 1 }) < ctx.optionalRate ? undefined : generate(def.innerType as Schema, ctx)
    case 'nullable':
      return f.number.float({ min: 0, max: 1 }) < ctx.nullRate ? null : generate(def.innerType as Schema, ctx)
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return generate(def.innerType as Schema, ctx)
    case 'pipe':
      return generate(def.in as Schema, ctx)
    case 'lazy':
      return generate((def.getter as () => Schema)(), ctx)
    case 'string':
      return stringValue(def, ctx)
    case 'number':
      return numberValue(def, ctx)
    case 'bigint':
      return BigInt(Math.round(numberValue({ ...def, format: 'safeint' }, ctx)))
    case 'boolean':
      return f.datatype.boolean()
    case 'date':
      return dateValue(def, ctx)
    case 'enum':
      return f.helpers.arrayElement(Object.values(def.entries ?? {}))
    case 'literal':
      return f.helpers.arrayElement([...(def.values ?? [])])
    case 'null':
      return null
    case 'undefined':
    case 'void':
      return undefined
    case 'any':
    case 'unknown':
      return f.word.noun()
    case 'array':
      return arrayValue(def, ctx)
    case 'tuple':
      return (def.items ?? []).map((item, i) => generate(item, { ...ctx, path: [...ctx.path, String(i)] }))
    case 'object':
      return objectValue(def, ctx)
    case 'record': {
      const out: Record<string, unknown> = {}
      for (let i = f.number.int({ min: 0, max: 2 }); i > 0; i--) {
        const key = generate(def.keyType as Schema, { ...ctx, path: [...ctx.path, 'key'] })
        out[String(key)] = generate(def.valueType as Schema, { ...ctx, path: [...ctx.path, String(key)] })
      }
      return out
    }
    case 'union':
      return generate(f.helpers.arrayElement([...(def.options ?? [])]), ctx)
    default:
      throw cannotGenerate(ctx.modelName, ctx.path, `zod type "${def.type}" has no generator`)
  }
}

/** An object's fields; an omitted optional field is left out, not set to `undefined`. */
export function objectValue(def: Def, ctx: GenContext): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(def.shape ?? {})) {
    const value = generate(field, { ...ctx, path: [...ctx.path, key] })
    if (value !== undefined) out[key] = value
  }
  return out
}

function lengthBounds(checks: CheckDef[], fallback: { min: number; max: number }) {
  let min = 0
  let max = Number.POSITIVE_INFINITY
  for (const c of checks) {
    if (c.check === 'min_length') min = Math.max(min, num(c.minimum) ?? 0)
    if (c.check === 'max_length') max = Math.min(max, num(c.maximum) ?? max)
    if (c.check === 'length_equals') {
      min = c.length ?? min
      max = c.length ?? max
    }
  }
  return { min, max, preferred: { min: Math.max(min, Math.min(fallback.min, max)), max: Math.max(min, Math.min(fallback.max, max)) } }
}

function arrayValue(def: Def, ctx: GenContext): unknown[] {
  const { preferred } = lengthBounds(checksOf(def), { min: 0, max: 3 })
  const n = ctx.faker.number.int(preferred)
  return Array.from({ length: n }, (_, i) => generate(def.element as Schema, { ...ctx, path: [...ctx.path, String(i)] }))
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** A value for a string format zod checks (`email`, `uuid`, `datetime`…), or undefined for a format without one. */
function formatted(format: string, pattern: RegExp | undefined, ctx: GenContext): string | undefined {
  const f = ctx.faker
  switch (format) {
    case 'email':
      return f.internet.email().toLowerCase()
    case 'url':
      return f.internet.url()
    case 'uuid':
    case 'guid':
      return f.string.uuid()
    case 'ulid':
      return f.string.ulid()
    case 'nanoid':
      return f.string.nanoid()
    case 'cuid':
      return `c${f.string.alphanumeric({ length: 24, casing: 'lower' })}`
    case 'cuid2':
      return f.string.alpha({ length: 1, casing: 'lower' }) + f.string.alphanumeric({ length: 23, casing: 'lower' })
    case 'datetime':
      return f.date.recent({ days: 365 }).toISOString()
    case 'date':
      return f.date.recent({ days: 365 }).toISOString().slice(0, 10)
    case 'time': {
      const d = f.date.recent()
      return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
    }
    case 'ipv4':
      return f.internet.ipv4()
    case 'ipv6':
      return f.internet.ipv6()
    case 'e164':
      return `+1${f.string.numeric({ length: 10, allowLeadingZeros: false })}`
    case 'base64':
      return btoa(f.string.alphanumeric(12))
    case 'base64url':
      return btoa(f.string.alphanumeric(12)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    case 'emoji':
      return f.internet.emoji()
    case 'hex':
      return f.string.hexadecimal({ length: 16, prefix: '' })
    case 'regex':
      return pattern ? fromPattern(pattern, ctx) : undefined
    default:
      return undefined
  }
}

const CLASS_BODIES: Record<string, string> = { d: '0-9', w: 'a-zA-Z0-9_', s: ' ' }

/** Rewrites `\d`, `\w` and `\s` as character classes (faker's generator reads them as letters). */
function expandClasses(source: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string
    const next = source[i + 1] ?? ''
    if (c === '\\' && next in CLASS_BODIES) {
      out += inClass ? CLASS_BODIES[next] : `[${CLASS_BODIES[next]}]`
      i++
    } else if (c === '\\') {
      out += c + next
      i++
    } else {
      if (c === '[') inClass = true
      else if (c === ']') inClass = false
      out += c
    }
  }
  return out
}

/** A string matching a regular expression, through faker's generator (anchors dropped first). */
function fromPattern(pattern: RegExp, ctx: GenContext): string {
  const source = expandClasses(pattern.source.replace(/^\^/, '').replace(/\$$/, ''))
  try {
    return ctx.faker.helpers.fromRegExp(new RegExp(source, pattern.flags.replace(/[gy]/g, '')))
  } catch (error) {
    throw cannotGenerate(ctx.modelName, ctx.path, `the pattern ${pattern} is beyond the generator`, error)
  }
}

const FORMAT_CHECKS = new Set([
  'email',
  'url',
  'uuid',
  'guid',
  'ulid',
  'nanoid',
  'cuid',
  'cuid2',
  'datetime',
  'date',
  'time',
  'ipv4',
  'ipv6',
  'e164',
  'base64',
  'base64url',
  'emoji',
  'hex',
  'regex',
])

function stringValue(def: Def, ctx: GenContext): string {
  const checks = checksOf(def)
  const formats = checks.filter((c) => c.check === 'string_format')
  const main =
    def.format && FORMAT_CHECKS.has(def.format)
      ? { format: def.format, pattern: def.pattern }
      : formats.find((c) => c.format && FORMAT_CHECKS.has(c.format))
  const field = fieldName(ctx)
  let value =
    (main?.format ? formatted(main.format, main.pattern, ctx) : undefined) ??
    stringForName(ctx.faker, field, ctx.modelName) ??
    ctx.faker.lorem.words({ min: 1, max: 3 })
  const fixedShape = main?.format !== undefined
  for (const c of formats) {
    if (c.format === 'lowercase') value = value.toLowerCase()
    if (c.format === 'uppercase') value = value.toUpperCase()
  }
  const prefix = formats.find((c) => c.format === 'starts_with')?.prefix ?? ''
  const suffix = formats.find((c) => c.format === 'ends_with')?.suffix ?? ''
  const includes = formats.find((c) => c.format === 'includes')?.includes ?? ''
  if (includes && !value.includes(includes)) value = `${value}${includes}`
  if (prefix && !value.startsWith(prefix)) value = `${prefix}${value}`
  if (suffix && !value.endsWith(suffix)) value = `${value}${suffix}`
  if (fixedShape) return value
  const { min, max } = lengthBounds(checks, { min: 0, max: 0 })
  return fitLength(value, min, max, prefix, suffix, ctx)
}

/** Pads with letters or cuts a string to fit `[min, max]` characters, keeping a required prefix and suffix. */
export function fitLength(value: string, min: number, max: number, prefix: string, suffix: string, ctx: GenContext): string {
  let v = value
  const length = () => [...v].length
  if (length() > max) {
    const core = [...v.slice(prefix.length, v.length - suffix.length)]
    v =
      prefix +
      core
        .slice(0, Math.max(0, max - prefix.length - suffix.length))
        .join('')
        .trimEnd() +
      suffix
    while (length() < Math.min(min, max)) v = prefix + v.slice(prefix.length, v.length - suffix.length) + ctx.faker.string.alpha(1) + suffix
  }
  if (length() < min) {
    const missing = min - length()
    v = prefix + v.slice(prefix.length, v.length - suffix.length) + ctx.faker.string.alpha({ length: missing, casing: 'lower' }) + suffix
  }
  return v
}

/** Bounds of a number: zod's checks, narrowed to a realistic range for the field's name when that fits. */
export function numberBounds(def: Def, field: string) {
  let lo = Number.NEGATIVE_INFINITY
  let hi = Number.POSITIVE_INFINITY
  let loOpen = false
  let hiOpen = false
  let step: number | undefined
  let int = def.format === 'safeint' || def.format === 'int32' || def.format === 'uint32' || def.format === 'int64'
  for (const c of checksOf(def)) {
    const v = num(c.value)
    if (c.check === 'greater_than' && v !== undefined && v >= lo) {
      loOpen = v === lo ? loOpen || !c.inclusive : !c.inclusive
      lo = v
    }
    if (c.check === 'less_than' && v !== undefined && v <= hi) {
      hiOpen = v === hi ? hiOpen || !c.inclusive : !c.inclusive
      hi = v
    }
    if (c.check === 'multiple_of' && v !== undefined) step = v
    if (c.check === 'number_format' && c.format && c.format !== 'float32' && c.format !== 'float64') int = true
    if (c.check === 'number_format' && c.format === 'uint32') lo = Math.max(lo, 0)
  }
  if (int) {
    // Integer bounds made inclusive: gt(0) is min 1, lt(0) is max -1.
    lo = loOpen ? Math.floor(lo) + 1 : Math.ceil(lo)
    hi = hiOpen ? Math.ceil(hi) - 1 : Math.floor(hi)
    loOpen = false
    hiOpen = false
  }
  const guess = rangeForName(field) ?? { min: 0, max: 1000 }
  // Use the realistic range where it overlaps the schema's; otherwise a window inside the schema's bounds.
  let min = Math.max(lo, guess.min)
  let max = Math.min(hi, guess.max)
  if (min > max || (!int && min === max && (loOpen || hiOpen))) {
    min = Number.isFinite(lo) ? lo : hi - 1000
    max = Number.isFinite(hi) ? hi : lo + 1000
  }
  return { min, max, lo, hi, loOpen, hiOpen, int, step, decimals: guess.decimals }
}

function numberValue(def: Def, ctx: GenContext): number {
  const b = numberBounds(def, fieldName(ctx))
  const f = ctx.faker
  if (b.step !== undefined) {
    const from = Math.ceil((b.loOpen ? b.min + b.step / 2 : b.min) / b.step)
    const to = Math.floor((b.hiOpen ? b.max - b.step / 2 : b.max) / b.step)
    const k = to >= from ? f.number.int({ min: from, max: to }) : from
    return Number((k * b.step).toPrecision(12))
  }
  if (b.int) {
    const min = Math.ceil(b.min)
    const max = Math.floor(b.max)
    return max >= min ? f.number.int({ min, max }) : min
  }
  // Rounded to a few decimals when the range is wide enough for that to stay inside it.
  const raw = b.min + f.number.float({ min: 0, max: 1 }) * (b.max - b.min)
  const factor = 10 ** (b.decimals ?? 2)
  const rounded = Math.round(raw * factor) / factor
  const inside = (v: number) => (b.loOpen ? v > b.lo : v >= b.lo) && (b.hiOpen ? v < b.hi : v <= b.hi)
  if (inside(rounded)) return rounded
  if (inside(raw)) return raw
  return (b.min + b.max) / 2
}

function dateValue(def: Def, ctx: GenContext): Date {
  // Relative to the faker's reference date, not the clock, so a seed gives the same dates every run.
  let to = ctx.faker.defaultRefDate().getTime()
  let from = to - 3 * 365 * 86_400_000
  for (const c of checksOf(def)) {
    const v = num(c.value)
    if (c.check === 'greater_than' && v !== undefined) {
      from = v
      if (to < from) to = from + 365 * 86_400_000
    }
    if (c.check === 'less_than' && v !== undefined) {
      to = v
      if (from > to) from = to - 365 * 86_400_000
    }
  }
  return ctx.faker.date.between({ from, to })
}
