const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text)

/** Decodes UTF-8 bytes, throwing on malformed input. */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes)

/** A body as bytes. */
export const toBytes = (body: Uint8Array | string): Uint8Array => (typeof body === 'string' ? utf8(body) : body)

/** Length of a string in UTF-8 bytes. */
export const utf8Length = (text: string): number => encoder.encode(text).length
