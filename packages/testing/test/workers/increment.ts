/**
 * A separate OS process for the multi-process concurrency test: increments one counter `n` times
 * through the repository's functional update, against the bucket named on the command line.
 * Usage: tsx --conditions=@s3verless/source increment.ts <bucket> <id> <n>
 */
import { createDatabase } from '@s3verless/core'
import { s3TestServer, testBucketManager } from '../../src/index.js'
import { Counter } from './counter-model.js'

const [bucket, id, times] = process.argv.slice(2)
const server = s3TestServer()
if (!server || !bucket || !id || !times) throw new Error('usage: increment.ts <bucket> <id> <n> with S3_TEST_ENDPOINT set')
const manager = testBucketManager(server, bucket)
const counters = createDatabase({ store: manager.store(), models: [Counter] }).repository(Counter)
await Promise.all(Array.from({ length: Number(times) }, () => counters.update(id, (c) => ({ count: c.count + 1 }))))
manager.destroy()
console.log(`incremented ${times} times`)
