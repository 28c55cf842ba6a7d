/**
 * `@s3verless/cache`: cache backends for S3verless. An in-memory cache with TTLs, an LRU cache, a
 * multi-tier composite, key builders with invalidation patterns, and `repositoryCache`, which lets a
 * database read its records through any of them.
 */
export type { CacheOperation, CompositeCacheOptions, CompositeCacheStats, TierErrorContext } from './composite-cache.js'
export { CompositeCache, TIER_FAILED } from './composite-cache.js'
export { globMatcher } from './glob.js'
export type { InMemoryCacheOptions } from './in-memory-cache.js'
export { InMemoryCache } from './in-memory-cache.js'
export type { CacheKeys, CacheKeysOptions } from './keys.js'
export { cacheKeys } from './keys.js'
export type { LRUCacheOptions } from './lru-cache.js'
export { LRUCache } from './lru-cache.js'
export type { RepositoryCacheOptions } from './repository-cache.js'
export { repositoryCache } from './repository-cache.js'
export type { CacheBackend, CacheStats } from './types.js'
