import { utf8 } from '@s3verless/core'
import { decodeRecord, type RepoCore } from '@s3verless/core/internal'

/** Seconds a cached query result lives unless configured (30). Writes through the database drop it sooner. */
export const DEFAULT_RESULT_TTL_SECONDS = 30

/** What is kept of one matching record: its body as stored (JSON) and etag, and its listing position. */
interface CachedMatch {
  body: string
  etag: string
  position: string
}

/** Converts a query's result to and from what the cache holds (plain JSON data, never live objects). */
export interface ResultCodec<T> {
  toCache(value: T): unknown
  fromCache(cached: unknown): T | undefined
}

/**
 * Runs `compute` through the database's query-result cache (the record cache's backend, when it
 * offers `getQuery`/`setQuery`): a cached answer is returned with no request; otherwise the computed
 * one is stored, but only if no write to the model began or ended in this process while it ran, so
 * a result read before a write can never outlive that write's invalidation. Cache failures fall back
 * to computing.
 */
export async function throughResultCache<T>(
  core: RepoCore,
  ttlSeconds: number | undefined,
  key: unknown,
  codec: ResultCodec<T>,
  compute: () => Promise<T>,
): Promise<T> {
  const backend = core.settings.cache?.options.backend
  if (ttlSeconds === undefined || !backend?.getQuery || !backend.setQuery) return compute()
  const plural = core.model.plural
  const text = JSON.stringify(key)
  try {
    const hit = codec.fromCache(await backend.getQuery(plural, text))
    if (hit !== undefined) return hit
  } catch {
    // a failing cache is no reason to fail the query
  }
  const before = core.writes
  const value = await compute()
  const after = core.writes
  if (before.writing === 0 && after.writing === 0 && before.generation === after.generation) {
    await backend.setQuery(plural, text, codec.toCache(value), ttlSeconds).catch(() => undefined)
  }
  return value
}

/** The codec for a list of matches (records with etags and positions) plus a `more` flag. */
export function matchesCodec<M extends { raw: { record: { id: string }; etag: string }; position: string }>(
  core: RepoCore,
): ResultCodec<{ page: M[]; more: boolean }> {
  return {
    toCache: ({ page, more }) => ({
      more,
      page: page.map((m) => ({ body: JSON.stringify(m.raw.record), etag: m.raw.etag, position: m.position }) satisfies CachedMatch),
    }),
    fromCache: (cached) => {
      const value = cached as { more?: unknown; page?: CachedMatch[] } | undefined
      if (!value || typeof value.more !== 'boolean' || !Array.isArray(value.page)) return undefined
      try {
        const page = value.page.map((m) => {
          const raw = decodeRecord(core.model, m.position, utf8(m.body), m.etag)
          return { raw, position: m.position } as unknown as M
        })
        return { page, more: value.more }
      } catch {
        return undefined
      }
    },
  }
}

/** The codec for a count. */
export const countCodec: ResultCodec<number> = {
  toCache: (n) => n,
  fromCache: (cached) => (typeof cached === 'number' && Number.isInteger(cached) && cached >= 0 ? cached : undefined),
}
