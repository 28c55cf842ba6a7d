import { safeFilename } from './upload-key.js'

/** RFC 8187 `attr-char`: what may stay unescaped in an `ext-value`. */
const ATTR_CHAR = /[A-Za-z0-9!#$&+.^_`|~-]/

/** Percent-encodes UTF-8 bytes of `text` except RFC 8187 `attr-char`s. */
function encodeExtValue(text: string): string {
  let out = ''
  for (const char of text) {
    if (ATTR_CHAR.test(char)) out += char
    else for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** An ASCII stand-in for the name, for clients that ignore `filename*`: printable ASCII without `"` or `\`. */
function asciiFallback(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_')
  return ascii.replace(/_+/g, '_')
}

/**
 * A `Content-Disposition` header value (RFC 6266) that offers a file name safely: the name is first
 * made safe ({@link safeFilename}: no path, no control characters), then given as a quoted ASCII
 * `filename` (non-ASCII characters replaced) and as a UTF-8 `filename*` (RFC 8187/5987
 * percent-encoding), so no name can break out of the header or inject another.
 * @example contentDisposition('Résumé "final".pdf') // `attachment; filename="Resume _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20_final_.pdf`
 */
export function contentDisposition(filename: string | undefined, disposition: 'attachment' | 'inline' = 'attachment'): string {
  if (filename === undefined) return disposition
  const name = safeFilename(filename)
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeExtValue(name)}`
}
