import { HttpError } from '../errors/http-error.js'

/**
 * Seals the query package's cursors for HTTP clients: AES-GCM under a key derived (HKDF-SHA-256)
 * from the app's secret, bound to the model's name. A client sees an opaque string that reveals no
 * store key and cannot be altered: a changed, truncated or foreign cursor fails to open (422).
 * Web Crypto only, so it runs on every runtime; written here rather than taking a JWE library for
 * one fixed algorithm and no headers.
 */
export interface CursorSeal {
  seal(model: string, cursor: string): Promise<string>
  /** @throws HttpError `http.validation` (422) naming `cursor` when it was not sealed by this app for this model. */
  open(model: string, sealed: string): Promise<string>
}

const encoder = new TextEncoder()

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(
    text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  )
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/** The 422 of a cursor this app did not make. */
export const badCursor = (reason: string): HttpError =>
  new HttpError('http.validation', `Invalid cursor: ${reason}`, { errors: [{ path: ['cursor'], message: reason }] })

/**
 * A cursor seal keyed by `secret` (the app's `SECRET_KEY`); without one, a random key of this
 * process (cursors then last as long as the process: give a secret when several instances serve).
 */
export function cursorSeal(secret: string | undefined): CursorSeal {
  let key: Promise<CryptoKey> | undefined
  const keyOf = () => {
    key ??= (async () => {
      const material = secret !== undefined ? encoder.encode(secret) : crypto.getRandomValues(new Uint8Array(32))
      const base = await crypto.subtle.importKey('raw', material, 'HKDF', false, ['deriveKey'])
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('s3verless'), info: encoder.encode('list cursor v1') },
        base,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      )
    })()
    return key
  }
  return {
    async seal(model, cursor) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(model) },
        await keyOf(),
        encoder.encode(cursor),
      )
      const out = new Uint8Array(12 + sealed.byteLength)
      out.set(iv)
      out.set(new Uint8Array(sealed), 12)
      return toBase64Url(out)
    },
    async open(model, sealed) {
      const bytes = fromBase64Url(sealed)
      if (!bytes || bytes.length < 12 + 16) throw badCursor('it is not a cursor this API made')
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: encoder.encode(model) },
          await keyOf(),
          bytes.slice(12),
        )
        return new TextDecoder().decode(plain)
      } catch {
        throw badCursor('it is not a cursor this API made for this collection, or it was changed')
      }
    },
  }
}
