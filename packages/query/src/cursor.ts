import { InvalidCursorError } from './errors.js'
import type { Plan } from './plan-types.js'

/**
 * What a cursor remembers: where the path stopped (`k`) and the id served last (`i`), plus its value
 * (`v`) when it stopped inside a tie group of truncated values; or, for orders sorted in memory, how
 * many results precede the next page (`o`, the query's offset included).
 */
interface CursorBody {
  /** Plan signature: a cursor only resumes the query shape that made it. */
  s: string
  k?: string
  i?: string
  v?: unknown
  o?: number
}

/** Where a cursor resumes. */
export type CursorPosition =
  /** After a listing key; `id` was served last (inside a tie group, with its `value`). */
  | { position: string; id?: string; through?: { value: unknown } }
  /** After this many results of the whole (sorted) answer. */
  | { offset: number }

/** A short signature of the parts of a plan a cursor depends on. */
export function planSignature(plan: Plan): string {
  const text = JSON.stringify([
    plan.model,
    plan.path,
    plan.conditions,
    plan.excludes,
    plan.order ?? null,
    ...(plan.search ? [plan.search] : []),
  ])
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(36)
}

const toBase64Url = (text: string) => {
  let binary = ''
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** An opaque cursor for `plan` positioned at `at`. */
export function makeCursor(plan: Plan, at: CursorPosition): string {
  const body: CursorBody =
    'offset' in at
      ? { s: planSignature(plan), o: at.offset }
      : {
          s: planSignature(plan),
          k: at.position,
          ...(at.id !== undefined ? { i: at.id } : {}),
          ...(at.through ? { v: at.through.value } : {}),
        }
  return toBase64Url(JSON.stringify(body))
}

/** Reads a cursor made by {@link makeCursor} for the same query shape. @throws InvalidCursorError */
export function readCursor(plan: Plan, cursor: string): CursorPosition {
  let body: CursorBody
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    body = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) as CursorBody
  } catch {
    throw new InvalidCursorError(plan.model, 'it is not a cursor this library made')
  }
  if (typeof body !== 'object' || body === null) throw new InvalidCursorError(plan.model, 'it is not a cursor this library made')
  if (body.s !== planSignature(plan)) throw new InvalidCursorError(plan.model, 'it was made by a query with other filters or order')
  if (typeof body.o === 'number' && Number.isInteger(body.o) && body.o >= 0) return { offset: body.o }
  if (typeof body.k !== 'string') throw new InvalidCursorError(plan.model, 'it holds no position')
  return {
    position: body.k,
    ...(typeof body.i === 'string' ? { id: body.i } : {}),
    ...('v' in body ? { through: { value: body.v } } : {}),
  }
}
