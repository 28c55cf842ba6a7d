import { S3verlessError } from '@s3verless/core'

/** One record of a seed file, with where it came from (for errors). */
export interface SeedRecord {
  /** The record's seed key (`"@key"` in the file), by which other records refer to it. */
  key: string | undefined
  data: Record<string, unknown>
  file: string
  line: number
}

export const seedError = (message: string, details: Record<string, unknown>) => new S3verlessError('testing.seed', message, { details })

/**
 * Reads a seed file's text: a JSON array of objects (`.json`), or one object per line (`.ndjson`,
 * `.jsonl`; blank lines skipped). `"@key"` in an object names it for references and is removed.
 * @throws S3verlessError `testing.seed` naming the file and line of malformed JSON or a non-object.
 */
export function parseSeedText(text: string, file: string): SeedRecord[] {
  const ndjson = /\.(nd)?jsonl?$/i.test(file) && !/\.json$/i.test(file)
  const items: { value: unknown; line: number }[] = []
  if (ndjson) {
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return
      try {
        items.push({ value: JSON.parse(raw), line: i + 1 })
      } catch (error) {
        throw seedError(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`, { file, line: i + 1 })
      }
    })
  } else {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw seedError(`${file}: not valid JSON (${(error as Error).message})`, { file })
    }
    if (!Array.isArray(parsed)) throw seedError(`${file}: a .json seed file holds an array of records, got ${typeof parsed}`, { file })
    // Line numbers of a JSON array's elements are not kept by JSON.parse: use the element's position.
    parsed.forEach((value, i) => {
      items.push({ value, line: i + 1 })
    })
  }
  return items.map(({ value, line }) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw seedError(`${file}:${line}: a record must be a JSON object`, { file, line })
    }
    const { '@key': key, ...data } = value as Record<string, unknown>
    if (key !== undefined && (typeof key !== 'string' || key === ''))
      throw seedError(`${file}:${line}: "@key" must be a non-empty string`, { file, line })
    return { key: key as string | undefined, data, file, line }
  })
}

/** A reference in a seed value: `"@Model:key"`. `"@@text"` is the literal `"@text"`. */
const REFERENCE = /^@([A-Za-z_][\w-]*):(.+)$/

/** Every model a record's values refer to. */
export function referencedModels(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const m = REFERENCE.exec(value)
    if (m) into.add(m[1] as string)
  } else if (Array.isArray(value)) for (const v of value) referencedModels(v, into)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) referencedModels(v, into)
  return into
}

/**
 * Replaces each `"@Model:key"` with the id of the record seeded under that key, and `"@@…"` with `"@…"`.
 * @throws S3verlessError `testing.seed` for a reference to nothing seeded.
 */
export function resolveReferences(value: unknown, ids: ReadonlyMap<string, string>, where: { file: string; line: number }): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('@@')) return value.slice(1)
    const m = REFERENCE.exec(value)
    if (!m) return value
    const id = ids.get(`${m[1]}:${m[2]}`)
    if (id === undefined) {
      throw seedError(
        `${where.file}:${where.line}: ${value} refers to no seeded record (no ${m[1]} with "@key": "${m[2]}" seeded before it)`,
        {
          ...where,
          reference: value,
        },
      )
    }
    return id
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, ids, where))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, ids, where)]))
  return value
}

/** A UUID (version 8, name-based on SHA-256) for a model's seed key: the same key gives the same id every run. */
export async function stableId(model: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`s3verless-seed\0${model}\0${key}`)))
  digest[6] = ((digest[6] as number) & 0x0f) | 0x80
  digest[8] = ((digest[8] as number) & 0x3f) | 0x80
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** A canonical JSON text of a value (object keys sorted), for content-derived keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
