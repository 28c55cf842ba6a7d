import { isS3verlessError, type ObjectStore } from '@s3verless/core'
import { Hono } from 'hono'
import { problemResponse } from './errors/problem-details.js'

/** Options for {@link healthRoute}. */
export interface HealthRouteOptions {
  /** Where the check answers (default `'/health'`). */
  path?: string
  /** The key prefix listed to prove the bucket answers (default `''`; use your base path when access is limited to it). */
  prefix?: string
  /** How long to wait for the store before reporting it unavailable, in milliseconds (default 5000). */
  timeoutMs?: number
  /** Called with the store's error when the check fails, for logging (the response does not reveal it). */
  onError?: (error: unknown) => void
}

/** Body of a healthy answer. */
export interface HealthStatus {
  status: 'ok'
  /** The store's name (`s3`, `fs`, `memory`). */
  store: string
  /** How long the store took to answer, in whole milliseconds. */
  latencyMs: number
}

class HealthTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * A Hono sub-app whose GET (and HEAD) `path` really checks the bucket: it sends the store one
 * LIST request for at most one key under `prefix` (cheap, and proves both reachability and
 * permission) and answers
 * - `200` `{ status: 'ok', store, latencyMs }` when the store answers, or
 * - `503` `application/problem+json` (RFC 9457) with `code: 'health.storeUnavailable'` when the
 *   store fails or takes longer than `timeoutMs`. The store's error message is not echoed (it can
 *   name buckets and endpoints); only its S3verless code, when it has one. Pass `onError` to log it.
 *
 * Both answers carry `cache-control: no-store`.
 * @example
 * const app = new Hono()
 * app.route('/', healthRoute(store))            // GET /health
 * app.route('/', healthRoute(store, { path: '/healthz', timeoutMs: 2000 }))
 */
export function healthRoute(store: ObjectStore, options: HealthRouteOptions = {}): Hono {
  const { path = '/health', prefix = '', timeoutMs = 5000, onError } = options
  const app = new Hono()
  app.get(path, async (c) => {
    const started = performance.now()
    try {
      await withTimeout(store.list(prefix, { limit: 1 }), timeoutMs)
    } catch (error) {
      onError?.(error)
      const reason = error instanceof HealthTimeout ? error.message : isS3verlessError(error) ? `it failed with ${error.code}` : 'it failed'
      return problemResponse(
        {
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: `The object store (${store.name}) did not answer a list request: ${reason}.`,
          code: 'health.storeUnavailable',
        },
        { 'cache-control': 'no-store' },
      )
    }
    const body: HealthStatus = { status: 'ok', store: store.name, latencyMs: Math.round(performance.now() - started) }
    return c.json(body, 200, { 'cache-control': 'no-store' })
  })
  return app
}
