import { InvalidCursorError } from './errors.js'
import type { Plan } from './plan-types.js'

/** What a cursor remembers: where the path stopped (`k`), or, for orders sorted in memory, how many were served (`o`). */
interface CursorBody {
  /** Plan signature: a cursor only resumes the query shape that made it. */
  s: string
  k?: string
  o?: number
}

/** A short signature of the parts of a plan a cursor depends on. */
export function planSignature(plan: Plan): string {
  const text = JSON.stringify([plan.model, plan.path, plan.conditions, plan.excludes, plan.order ?? null])
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(36)
}

const toBase64Url = (text: string) => {
  let binary = ''
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** An opaque cursor for `plan` positioned after `position` (or after `offset` results). */
export function makeCursor(plan: Plan, at: { position: string } | { offset: number }): string {
  const body: CursorBody = { s: planSignature(plan), ...('position' in at ? { k: at.position } : { o: at.offset }) }
  return toBase64Url(JSON.stringify(body))
}

/** Reads a cursor made by {@link makeCursor} for the same query shape. @throws InvalidCursorError */
export function readCursor(plan: Plan, cursor: string): { position?: string; offset?: number } {
  let body: CursorBody
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    body = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) as CursorBody
  } catch {
    throw new InvalidCursorError(plan.model, 'it is not a cursor this library made')
  }
  if (body.s !== planSignature(plan)) throw new InvalidCursorError(plan.model, 'it was made by a query with other filters or order')
  return { ...(typeof body.k === 'string' ? { position: body.k } : {}), ...(typeof body.o === 'number' ? { offset: body.o } : {}) }
}
