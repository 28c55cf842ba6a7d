import type { FieldError } from '../errors/problem-details.js'
import type { AdminField } from './field-meta.js'

/** What a submitted form gives: the record input, and problems found before validation. */
export interface FormInput {
  input: Record<string, unknown>
  errors: FieldError[]
}

/**
 * Turns a submitted admin form into record input by each field's kind: an unchecked checkbox is
 * `false`, numbers are parsed, JSON fields (arrays, objects) are parsed, and an empty input is
 * `null` for a nullable field or left out for an optional one. Read-only fields are never read.
 */
export function readForm(fields: readonly AdminField[], form: Record<string, string | File | (string | File)[]>): FormInput {
  const input: Record<string, unknown> = {}
  const errors: FieldError[] = []
  for (const field of fields) {
    if (field.readOnly) continue
    const raw = form[field.name]
    const text =
      typeof raw === 'string'
        ? raw
        : Array.isArray(raw) && typeof raw[raw.length - 1] === 'string'
          ? (raw[raw.length - 1] as string)
          : undefined
    const { kind, nullable, optional } = field.info
    if (kind === 'boolean') {
      input[field.name] = text === 'true' || text === 'on'
      continue
    }
    if (text === undefined || text.trim() === '') {
      if (nullable) input[field.name] = null
      else if (!optional && kind === 'string') input[field.name] = ''
      continue
    }
    if (kind === 'number') {
      const n = Number(text)
      input[field.name] = Number.isFinite(n) ? n : text
    } else if (kind === 'array' || kind === 'object' || kind === 'other') {
      try {
        input[field.name] = JSON.parse(text)
      } catch {
        if (kind === 'other') input[field.name] = text
        else errors.push({ path: [field.name], message: 'must be valid JSON' })
      }
    } else {
      input[field.name] = text
    }
  }
  return { input, errors }
}

/** A stored value as an input's text: JSON for structures, ISO for dates. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
