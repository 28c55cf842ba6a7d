import { isS3verlessError, SERVER_FIELDS } from '@s3verless/core'
import type { Context } from 'hono'
import { HttpError } from '../errors/http-error.js'

/** A body over the app's size limit stays that error (413), not a malformed body. */
const rethrowTooLarge = (error: unknown) => {
  if (isS3verlessError(error, 'http.payloadTooLarge')) throw error
}

/**
 * Reads a JSON body. A body that is not JSON is a 400; anything but the expected shape a 422.
 * @throws HttpError `http.unsupportedMediaType`, `http.badRequest`, `http.payloadTooLarge` (over the app's `maxBodySize`)
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError('http.unsupportedMediaType', 'Send the body as application/json')
  }
  try {
    return await c.req.json()
  } catch (error) {
    rethrowTooLarge(error)
    throw new HttpError('http.badRequest', 'The body is not valid JSON')
  }
}

/**
 * Reads a form body (urlencoded or multipart). A malformed one is a 400, never a 500.
 * @throws HttpError `http.badRequest`, `http.payloadTooLarge` (over the app's `maxBodySize`)
 */
export async function readFormBody(c: Context): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return (await c.req.parseBody()) as Record<string, string | File | (string | File)[]>
  } catch (error) {
    rethrowTooLarge(error)
    throw new HttpError('http.badRequest', 'The body is not a valid form')
  }
}

/** True for a plain JSON object. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A client's record input without the fields only the server sets (`id`, `createdAt`,
 * `updatedAt`, the owner field): they are ignored, never an error.
 * @throws HttpError `http.validation` (422) when the body is not an object.
 */
export function clientInput(body: unknown, ownerField: string | undefined, path: (string | number)[] = []): Record<string, unknown> {
  if (!isObject(body))
    throw new HttpError('http.validation', 'The body must be a JSON object', { errors: [{ path, message: 'expected an object' }] })
  const input = { ...body }
  for (const field of SERVER_FIELDS) delete input[field]
  if (ownerField) delete input[ownerField]
  return input
}
