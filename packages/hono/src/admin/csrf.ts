import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { HttpError } from '../errors/http-error.js'

export const CSRF_COOKIE = 's3v_csrf'
export const CSRF_FIELD = '_csrf'

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (ch) => ({ '+': '-', '/': '_', '=': '' })[ch] as string)

const randomToken = () => base64url(crypto.getRandomValues(new Uint8Array(24)))

/** True when the request came over HTTPS (cookies are then `Secure`). */
export const isHttps = (c: Context): boolean => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'

/** The form tokens issued to each request (by {@link issueCsrf}), read when a page is rendered. */
const issued = new WeakMap<Request, string>()

/** This browser's CSRF nonce: an HttpOnly, SameSite=Strict cookie, made on first use. */
function csrfNonce(c: Context, path: string): string {
  const existing = getCookie(c, CSRF_COOKIE)
  if (existing && existing.length >= 24) return existing
  const nonce = randomToken()
  setCookie(c, CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'Strict', path, secure: isHttps(c) })
  return nonce
}

/**
 * The form token of a nonce for one session: HMAC-SHA256 (keyed with the server's secret) of the
 * nonce and the session id, so a token is good only with the cookie it was made for AND the
 * session it was made in. A nonce/token pair got elsewhere (an anonymous visit, another session, a
 * cookie planted from a sibling domain) does not pass for a signed-in admin.
 */
async function bindToken(nonce: string, secret: string, sessionId: string | undefined): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(`s3v-admin-csrf:${secret}`),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${nonce}\n${sessionId ?? ''}`))
  return base64url(new Uint8Array(mac))
}

/**
 * Makes the CSRF token of this request's forms (double-submit: an HttpOnly, SameSite=Strict
 * nonce cookie, and in every form a hidden field bound to that nonce and to the admin session,
 * `sessionId`, when signed in). Call again once the session is known; {@link csrfToken} reads it.
 */
export async function issueCsrf(c: Context, path: string, secret: string, sessionId?: string): Promise<string> {
  const token = await bindToken(csrfNonce(c, path), secret, sessionId)
  issued.set(c.req.raw, token)
  return token
}

/** The CSRF token issued to this request (empty before {@link issueCsrf}). */
export const csrfToken = (c: Context): string => issued.get(c.req.raw) ?? ''

function sameString(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return diff === 0
}

/**
 * Refuses a form post whose hidden token was not made for this browser's nonce cookie and this
 * session (`sessionId`; none before sign-in), or whose `Origin` is another site's.
 * @throws HttpError `http.forbidden`
 */
export async function checkCsrf(c: Context, form: Record<string, unknown>, secret: string, sessionId?: string): Promise<void> {
  const origin = c.req.header('origin')
  if (origin && origin !== 'null' && origin !== new URL(c.req.url).origin && !isHttps(c)) {
    throw new HttpError('http.forbidden', 'Cross-site form post refused')
  }
  const cookie = getCookie(c, CSRF_COOKIE)
  const sent = form[CSRF_FIELD]
  if (!cookie || typeof sent !== 'string' || !sameString(sent, await bindToken(cookie, secret, sessionId)))
    throw new HttpError('http.forbidden', 'The form expired or came from another site (CSRF check failed); reload the page')
}
