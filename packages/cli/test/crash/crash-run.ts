import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, type ObjectStore } from '@s3verless/core'
import { build } from 'esbuild'
import type { WorkerConfig } from './worker.js'
import type { LogLine } from './workload.js'
import { COUNTERS, Counter, MODELS } from './world.js'

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))

/**
 * The worker's TypeScript (and the packages' sources, through the `@s3verless/source` condition) in
 * one ES module, built once per run: a worker then starts in a fifth of a second of CPU, where
 * loading every source file through tsx's hooks cost about 2 s of CPU per start, which is what ≥ 50
 * restarts per run cannot afford.
 */
async function bundleWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'worker.mjs')
  await build({
    entryPoints: [WORKER],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@s3verless/source'],
    logLevel: 'warning',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  })
  return outfile
}
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** How a crash run stresses the store. */
export interface CrashOptions {
  /** The shared store, as the test sees it, and as a worker opens it. */
  store: ObjectStore
  workerStore: WorkerConfig['store']
  leaseMs: number
  /** Worker processes alive at once. */
  workers: number
  /** Concurrent call lanes per worker. */
  lanes: number
  /** SIGKILLs to send (at least), and for at least this long. */
  kills: number
  minSeconds: number
  /** A worker is killed this long (uniformly, ms) after it said it was ready. */
  killAfterMs: readonly [number, number]
  seed: number
}

/** What a crash run did: the kills, the logs of every worker incarnation, the counters' ids. */
export interface CrashRun {
  kills: number
  starts: number
  seconds: number
  lines: LogLine[]
  counterIds: string[]
}

/**
 * Starts `workers` worker processes on one store and SIGKILLs one at a random moment after it is
 * ready, again and again (restarting it each time), until `kills` were sent and `minSeconds` passed;
 * then kills the rest. A worker that exits by itself fails the run (with its stderr).
 */
export async function crashRun(o: CrashOptions): Promise<CrashRun> {
  const logs = await mkdtemp(join(tmpdir(), 's3verless-crash-'))
  const worker = await bundleWorker(logs)
  const counters = createDatabase({ store: o.store, models: MODELS, leaseMs: o.leaseMs }).repository(Counter)
  const counterIds: string[] = []
  for (const name of COUNTERS) counterIds.push((await counters.create({ name, count: 0, tag: `init-${name}` })).id)

  const started = performance.now()
  let kills = 0
  let starts = 0
  let stop = false
  const alive = new Set<ChildProcess>()
  const rng = ((seed) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  })(o.seed)
  const between = ([lo, hi]: readonly [number, number]) => lo + rng() * (hi - lo)

  const start = (slot: number): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } => {
    const config: WorkerConfig = {
      worker: `w${slot}.${starts}`,
      seed: o.seed * 1000 + starts,
      log: join(logs, `w${slot}.${starts}.log`),
      lanes: o.lanes,
      leaseMs: o.leaseMs,
      counters: counterIds,
      store: o.workerStore,
    }
    starts++
    const child = spawn(process.execPath, [worker, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] })
    alive.add(child)
    child.on('exit', () => alive.delete(child))
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const ready = new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()))
    const exited = new Promise<void>((resolve, reject) =>
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`worker ${config.worker} exited by itself (${code}): ${stderr}`)),
      ),
    )
    exited.catch(() => {}) // awaited by the slot; this only keeps an early exit from counting as unhandled
    return { child, ready, exited }
  }

  const slot = async (index: number) => {
    while (!stop) {
      const w = start(index)
      await Promise.race([w.ready, w.exited])
      await sleep(between(o.killAfterMs))
      w.child.kill('SIGKILL')
      kills++
      await w.exited
      if (kills >= o.kills && performance.now() - started >= o.minSeconds * 1000) stop = true
      await sleep(between([20, 200]))
    }
  }
  try {
    await Promise.all(Array.from({ length: o.workers }, (_, i) => slot(i)))
  } finally {
    stop = true
    for (const child of alive) child.kill('SIGKILL') // a failed run leaves no worker behind
  }

  const lines: LogLine[] = []
  for (const file of (await readdir(logs)).filter((f) => f.endsWith('.log')).sort()) {
    for (const line of (await readFile(join(logs, file), 'utf8')).split('\n')) if (line) lines.push(JSON.parse(line) as LogLine)
  }
  return { kills, starts, seconds: (performance.now() - started) / 1000, lines, counterIds }
}
