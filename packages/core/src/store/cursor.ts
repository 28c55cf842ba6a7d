import { InvalidRequest } from '../errors.js'
import { fromUtf8, utf8 } from './bytes.js'

/** Position in a listing: the last key or common prefix handed out. */
export interface ListPosition {
  /** Continue strictly after this key. */
  after: string
  /** The last item was this common prefix: skip every key under it. */
  skipPrefix?: string
}

/** Encodes a listing position as an opaque, URL-safe cursor (used by the memory and file-system stores). */
export function encodeCursor(position: ListPosition): string {
  const bytes = utf8(JSON.stringify(position))
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decodes a cursor made by {@link encodeCursor}; a damaged one is an `InvalidRequest`. */
export function decodeCursor(cursor: string): ListPosition {
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    const parsed = JSON.parse(fromUtf8(bytes)) as ListPosition
    if (typeof parsed.after !== 'string') throw new Error('no position')
    return parsed
  } catch (cause) {
    throw new InvalidRequest('list', undefined, { message: 'list: the cursor is not one this store handed out', cause })
  }
}
