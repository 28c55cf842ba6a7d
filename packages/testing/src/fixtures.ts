import { createDatabase, type Database, type MemoryStore, type Model, memoryStore, type ObjectStore, s3Store } from '@s3verless/core'
import { test as baseTest } from 'vitest'
import { InMemoryS3 } from './in-memory-s3/in-memory-s3.js'

/** Options for {@link testWithDatabase}. */
export interface DatabaseFixtureOptions {
  /**
   * `'memory'` (default): a fresh `memoryStore` per test, the fastest. `'s3'`: `s3Store` on a fresh
   * {@link InMemoryS3} per test, so every request goes through the S3 protocol (and `s3` can inject faults).
   */
  store?: 'memory' | 's3'
  /** Key prefix of the data (default: the database's). */
  basePath?: string
}

/** The fixtures {@link testWithDatabase} gives each test. */
export interface DatabaseFixtures {
  /** The test's own in-memory S3 (used by the store when `store: 's3'`). */
  s3: InMemoryS3
  /** The test's own empty store. */
  store: ObjectStore | MemoryStore
  /** A database of the models on that store. */
  db: Database
}

/**
 * A vitest `test` whose tests each get a fresh store and database (`test.extend` fixtures, made only
 * when a test asks for them and disposed after it).
 * @example
 * const test = testWithDatabase([Product, Review])
 * test('creates', async ({ db }) => {
 *   await defineFactory(Product).create(db.repository(Product))
 * })
 */
export function testWithDatabase(models: readonly Model[], options: DatabaseFixtureOptions = {}) {
  return baseTest.extend<DatabaseFixtures>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from its first parameter's pattern
    s3: async ({}, use) => {
      const s3 = new InMemoryS3({ buckets: ['test'] })
      await use(s3)
      s3[Symbol.dispose]()
    },
    store: async ({ s3 }, use) => {
      await use(options.store === 's3' ? s3Store({ client: s3, bucket: 'test', retry: { maxAttempts: 1 } }) : memoryStore())
    },
    db: async ({ store }, use) => {
      await use(createDatabase({ store, models, ...(options.basePath ? { basePath: options.basePath } : {}) }))
    },
  })
}
