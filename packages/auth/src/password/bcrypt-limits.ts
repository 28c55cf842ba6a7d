/** Longest password bcrypt can use, in UTF-8 bytes: it silently ignores every byte after the 72nd. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72

/** Lowest bcrypt cost factor. */
export const BCRYPT_MIN_COST = 4
/** Highest bcrypt cost factor. */
export const BCRYPT_MAX_COST = 31

const encoder = new TextEncoder()

/** Length of `text` in UTF-8 bytes, the unit bcrypt's limit is measured in. */
export const utf8Bytes = (text: string): number => encoder.encode(text).length
