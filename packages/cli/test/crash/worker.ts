/**
 * A worker process of the crash suite (crash.test.ts): runs the random workload on a shared store in
 * `lanes` concurrent lanes until it is killed, logging every call durably (write + fsync) before it
 * starts and when it answers. Prints `ready` once its database is open.
 * Usage: node --import tsx --conditions=@s3verless/source worker.ts '<WorkerConfig as JSON>'
 */
import { fsyncSync, openSync, writeSync } from 'node:fs'
import { createDatabase, type ObjectStore } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { s3TestServer, testBucketManager } from '@s3verless/testing'
import { mulberry32 } from '@s3verless/testing/random'
import { type Lane, type LogLine, runOne } from './workload.js'
import { MODELS } from './world.js'

/** What the test hands a worker. */
export interface WorkerConfig {
  worker: string
  seed: number
  log: string
  lanes: number
  leaseMs: number
  counters: string[]
  store: { kind: 'fs'; root: string } | { kind: 's3'; bucket: string }
}

const config = JSON.parse(process.argv[2] ?? '') as WorkerConfig
let store: ObjectStore
if (config.store.kind === 'fs') store = fsStore({ root: config.store.root })
else {
  const server = s3TestServer()
  if (!server) throw new Error('worker.ts: S3_TEST_ENDPOINT is not set')
  store = testBucketManager(server, config.store.bucket).store()
}
const db = createDatabase({ store, models: MODELS, leaseMs: config.leaseMs })

const fd = openSync(config.log, 'a')
const log = (line: LogLine) => {
  writeSync(fd, `${JSON.stringify(line)}\n`)
  fsyncSync(fd) // on disk before the worker reports or continues
}
let n = 0
const lanes: Lane[] = Array.from({ length: config.lanes }, (_, i) => ({
  worker: config.worker,
  next: () => n++,
  rng: mulberry32(config.seed * 31 + i),
  counters: config.counters,
  shelves: [],
  log,
}))
process.stdout.write('ready\n')
await Promise.all(
  lanes.map(async (lane) => {
    for (;;) await runOne(db, lane)
  }),
)
