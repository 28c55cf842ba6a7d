/** A username as stored and looked up: Unicode NFC, so composed and decomposed accents are one name. Case is kept. */
export const normalizeUsername = (username: string): string => username.normalize('NFC')

/** An email as typed, without surrounding spaces. */
export const cleanEmail = (email: string): string => email.trim().normalize('NFC')

/** The unique form of an email: trimmed, NFC, lower case. `Alice@Example.COM` → `alice@example.com`. */
export const normalizeEmail = (email: string): string => cleanEmail(email).toLowerCase()
