/**
 * The Node-side helpers of @s3verless/testing (`@s3verless/testing/node`): seeding from files on disk
 * and vitest fixtures. Kept out of the main entry, which also runs inside workerd (no Node built-ins).
 */
export type { DatabaseFixtureOptions, DatabaseFixtures } from './fixtures.js'
export { testWithDatabase } from './fixtures.js'
export { modelForFile, seedFiles } from './seed/seed-files.js'
