/**
 * A username as displayed and stored in `username`: Unicode NFC, so composed and decomposed accents
 * are one name. Case and width are kept (`Alice` stays `Alice`); compare with {@link normalizeUsername}.
 */
export const displayUsername = (username: string): string => username.normalize('NFC')

/**
 * The form usernames are compared and claimed in (`normalizedUsername`), after the PRECIS
 * UsernameCaseMapped profile (RFC 8265) made a little stricter: NFKC (fullwidth `ａｄｍｉｎ`,
 * ligatures, superscripts and mathematical letters fold to their plain letters), lower case
 * (Unicode `toLowerCase`, final sigma folded to σ), then NFKC again. `Admin`, `ADMIN` and
 * `ａｄｍｉｎ` all give `admin`.
 */
export const normalizeUsername = (username: string): string => username.normalize('NFKC').toLowerCase().replace(/ς/g, 'σ').normalize('NFKC')

/** An email as typed, without surrounding spaces. */
export const cleanEmail = (email: string): string => email.trim().normalize('NFC')

/** The unique form of an email: trimmed, NFC, lower case. `Alice@Example.COM` → `alice@example.com`. */
export const normalizeEmail = (email: string): string => cleanEmail(email).toLowerCase()
