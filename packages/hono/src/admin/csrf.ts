import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { HttpError } from '../errors/http-error.js'

export const CSRF_COOKIE = 's3v_csrf'
export const CSRF_FIELD = '_csrf'

const randomToken = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (ch) => ({ '+': '-', '/': '_', '=': '' })[ch] as string)
}

/** True when the request came over HTTPS (cookies are then `Secure`). */
export const isHttps = (c: Context): boolean => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'

/**
 * The CSRF token of this browser (double-submit: an HttpOnly, SameSite=Strict cookie whose value
 * every admin form repeats in a hidden field); made on first use.
 */
export function csrfToken(c: Context, path: string): string {
  const existing = getCookie(c, CSRF_COOKIE)
  if (existing && existing.length >= 24) return existing
  const token = randomToken()
  setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path, secure: isHttps(c) })
  return token
}

/**
 * Refuses a form post whose hidden token does not match the cookie, or whose `Origin` is another
 * site's. @throws HttpError `http.forbidden`
 */
export function checkCsrf(c: Context, form: Record<string, unknown>): void {
  const origin = c.req.header('origin')
  if (origin && origin !== 'null' && origin !== new URL(c.req.url).origin && !isHttps(c)) {
    throw new HttpError('http.forbidden', 'Cross-site form post refused')
  }
  const cookie = getCookie(c, CSRF_COOKIE)
  const sent = form[CSRF_FIELD]
  if (!cookie || typeof sent !== 'string' || sent !== cookie)
    throw new HttpError('http.forbidden', 'The form expired or came from another site (CSRF check failed); reload the page')
}
