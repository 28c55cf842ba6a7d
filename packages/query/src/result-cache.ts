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

/** What the cache holds for one result: the model's guard token it was computed under, and the result. */
interface StoredResult {
  g: string | null
  v: unknown
}

/**
 * Runs `compute` through the database's query-result cache (the record cache's backend, when it
 * offers `getQuery`/`setQuery`), under `params` (the backend keys them by their canonical form, see
 * `cacheKeys().query`). A cached answer is returned with no request while the model's guard token
 * is the one it was computed under: every write of the model, from any database sharing the
 * backend, renews that token once it is over (cleanup included). A computed answer is stored under
 * the token read before computing it, and only if no write to the model began or ended in this
 * process meanwhile. So a result read before a write is never served after that write returned.
 * Cache failures fall back to computing.
 */
export async function throughResultCache<T>(
  core: RepoCore,
  ttlSeconds: number | undefined,
  params: unknown,
  codec: ResultCodec<T>,
  compute: () => Promise<T>,
): Promise<T> {
  const backend = core.settings.cache?.options.backend
  const records = core.cache
  if (ttlSeconds === undefined || !records || !backend?.getQuery || !backend.setQuery) return compute()
  const plural = core.model.plural
  const [guard, cached] = await Promise.all([
    records.queryGuard(),
    // a failing cache (or parameters with no cache key) is no reason to fail the query
    backend.getQuery(plural, params).catch(() => undefined),
  ])
  const stored = cached as Partial<StoredResult> | undefined
  if (guard && stored && typeof stored === 'object' && 'v' in stored && guard.admits(stored.g ?? undefined)) {
    const hit = codec.fromCache(stored.v)
    if (hit !== undefined) return hit
  }
  const before = core.writes
  const value = await compute()
  const after = core.writes
  if (guard && before.writing === 0 && after.writing === 0 && before.generation === after.generation) {
    const entry: StoredResult = { g: guard.token ?? null, v: codec.toCache(value) }
    await backend.setQuery(plural, params, entry, ttlSeconds).catch(() => undefined)
  }
  return value
}

/** The codec for a list of matches (records with etags and positions) plus a `more` flag. */
export function matchesCodec<M extends { raw: { record: { id: string }; etag: string }; position: string }>(
  core: RepoCore,
): ResultCodec<{ page: M[]; more: boolean; skipped: string[] }> {
  return {
    toCache: ({ page, more, skipped }) => ({
      more,
      skipped,
      // (stamped with the model's schema version: the record is already upgraded and must not be upgraded again)
      page: page.map(
        (m) =>
          ({
            body: JSON.stringify({ ...m.raw.record, _s3v: { v: core.model.version } }),
            etag: m.raw.etag,
            position: m.position,
          }) satisfies CachedMatch,
      ),
    }),
    fromCache: (cached) => {
      const value = cached as { more?: unknown; page?: CachedMatch[]; skipped?: unknown } | undefined
      if (!value || typeof value.more !== 'boolean' || !Array.isArray(value.page)) return undefined
      try {
        const page = value.page.map((m) => {
          const raw = decodeRecord(core.model, m.position, utf8(m.body), m.etag)
          return { raw, position: m.position } as unknown as M
        })
        return { page, more: value.more, skipped: Array.isArray(value.skipped) ? (value.skipped as string[]) : [] }
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
