/**
 * One migration runner in its own OS process, for the Ceph RGW tests:
 * `tsx --conditions=@s3verless/source run-migrations.ts <bucket> <holder> [waitMs]`.
 * Prints one JSON line: `{ applied, durationMs }`, or `{ error, code }` when it could not run.
 */
import { s3TestServer, testBucketManager } from '@s3verless/testing'
import { MigrationRunner } from '../../src/index.js'
import { Product, productMigrations } from '../fixtures.js'

const [bucket, holder, waitMs = '0'] = process.argv.slice(2)
const server = s3TestServer()
if (!server || !bucket || !holder) throw new Error('usage: run-migrations.ts <bucket> <holder> [waitMs] (with S3_TEST_ENDPOINT set)')
const manager = testBucketManager(server, bucket)
const runner = new MigrationRunner(manager, bucket, productMigrations, { models: [Product], holder })
try {
  const report = await runner.runPending({ waitMs: Number(waitMs) })
  console.log(JSON.stringify({ applied: report.applied, ok: report.ok, durationMs: report.durationMs }))
} catch (error) {
  const e = error as { message?: string; code?: string }
  console.log(JSON.stringify({ error: e.message, code: e.code }))
} finally {
  manager.destroy()
}
