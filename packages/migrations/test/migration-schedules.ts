import {
  createDatabase,
  defineModel,
  type InstrumentedStore,
  instrumentStore,
  isOutcomeUnknown,
  isS3verlessError,
  type ObjectStore,
  type Repository,
  Unavailable,
} from '@s3verless/core'
import { mulberry32 } from '@s3verless/testing/random'
import { z } from 'zod'
import { Migration, MigrationRunner, TransformField } from '../src/index.js'

// The randomized checker of issue 17 for "a migration running beside application writes": seeded
// schedules of a few records, two application clients updating (never the price), replacing,
// creating and deleting, while a runner applies a non-idempotent TransformField (price × 100) and,
// in most schedules, dies or loses its lease midway and is started again; requests are slowed, fail,
// lose their answers or land late. After quiescence the invariants below must hold.

/** The application's model (the same before and after the migration: only the price's unit changes). */
export const Product = defineModel(z.object({ name: z.string(), price: z.number().int(), hits: z.number().int(), tag: z.string() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price', 'tag'],
})
const inCents = new Migration({
  version: '0001',
  modelName: 'Product',
  description: 'price in cents',
  operations: [
    new TransformField(
      'price',
      (euros) => Number(euros) * 100,
      (cents) => Number(cents) / 100,
    ),
  ],
})

/** How a schedule stresses the store. */
export interface MigrationScheduleOptions {
  seed: number
  /** A store for this schedule alone, or a shared bucket with `basePath` as its own namespace. */
  store: ObjectStore
  basePath?: string
  /** The migration lease (at least twice the store's clock resolution). */
  leaseTtlMs: number
  /** Per-request latency, uniformly 0–max ms. */
  maxLatencyMs: number
  /** Chance that a request fails before reaching the store (`store.unavailable`). */
  failChance: number
  /** Chance that a request is performed but its answer lost (`store.unavailable`). */
  lostAnswerChance: number
  /** Chance that a request times out at once and reaches the store up to `lateMs` later. */
  lateChance: number
  lateMs: number
}

/** What one schedule did and broke. */
export interface MigrationScheduleOutcome {
  seed: number
  schedule: string[]
  violations: { invariant: string; detail: string }[]
  /** Whether a runner took up an interrupted run and skipped records it had already rewritten. */
  resumed: boolean
}

type Crash = 'none' | 'dies' | 'leaseLost'
type AppOp =
  | { kind: 'bump'; target: number }
  | { kind: 'tag'; target: number; tag: string }
  | { kind: 'replace'; target: number }
  | { kind: 'create'; price: number }
  | { kind: 'delete'; target: number }

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T
const between = (rng: () => number, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1))
const lost = (what: string) => () => new Unavailable('injected', undefined, { message: `injected: ${what}` })

/** Puts random latency, failures, lost answers and late requests on a client's requests. */
function disturb(store: InstrumentedStore, chaos: () => number, o: MigrationScheduleOptions) {
  const always = Number.POSITIVE_INFINITY
  store.setLatency(() => chaos() * o.maxLatencyMs)
  store.injectFault({ key: () => chaos() < o.failChance, error: lost('request failed'), times: always })
  store.injectFault({ key: () => chaos() < o.lostAnswerChance, afterRequest: true, error: lost('answer lost'), times: always })
  store.injectFault({ key: () => chaos() < o.lateChance, lateMs: chaos() * o.lateMs, error: lost('timed out'), times: always })
}

/** Errors the application may see under these faults (anything else is a violation). */
const appTolerates = (e: unknown) =>
  isOutcomeUnknown(e) ||
  (isS3verlessError(e) && (['model.conflict', 'model.notFound', 'model.unique'].includes(e.code) || e.code.startsWith('store.')))

/** Errors a runner may stop with: a lost lease, a store failure, a dead process. */
const runnerTolerates = (e: unknown) =>
  (isS3verlessError(e) && (e.code === 'migration.locked' || e.code.startsWith('store.'))) || (e instanceof Error && e.message === 'killed')

/**
 * Runs one schedule: 3–6 records in euros; two application clients run 4–10 operations (starting
 * within 60 ms) while a runner migrates the prices to cents; the runner dies (every request fails
 * from its k-th on) or loses its lease (its renewals fail from its k-th request on, and a second
 * runner waiting for the lease takes over while it may still write), or neither; runners are
 * started again until one reports the migration applied (the last attempts without faults). Then:
 * - the history records the migration once, and no run is left unfinished (a rollback may begin);
 * - every record that existed before and still exists has exactly its old price × 100 and the run's
 *   stamp (none skipped, none transformed twice);
 * - `verify()` finds no missing index entry or claim and no value held twice;
 * - the application saw only the errors its operations document.
 */
export async function runMigrationSchedule(o: MigrationScheduleOptions): Promise<MigrationScheduleOutcome> {
  const rng = mulberry32(o.seed)
  const chaos = mulberry32(o.seed ^ 0x5bd1e995) // consumed per request, so timing does not shift the schedule
  const base = o.basePath !== undefined ? { basePath: o.basePath } : {}
  const repo = (store: ObjectStore): Repository<typeof Product> => createDatabase({ store, models: [Product], ...base }).repository(Product)
  const outcome: MigrationScheduleOutcome = { seed: o.seed, schedule: [], violations: [], resumed: false }
  const note = (line: string) => outcome.schedule.push(line)
  const violation = (invariant: string, detail: string) => outcome.violations.push({ invariant, detail })

  const seeded = await repo(o.store).createMany(
    Array.from({ length: between(rng, 3, 6) }, (_, i) => ({ name: `p${i}`, price: between(rng, 1, 9), hits: 0, tag: 'a' })),
  )
  const targets = seeded.map((p) => p.id)
  const ops: (AppOp & { at: number; client: number })[] = Array.from({ length: between(rng, 4, 10) }, (_, i) => {
    const target = Math.floor(rng() * (seeded.length + 1))
    const roll = rng()
    const op: AppOp =
      roll < 0.35
        ? { kind: 'bump', target }
        : roll < 0.55
          ? { kind: 'tag', target, tag: pick(rng, ['a', 'b', 'c']) }
          : roll < 0.7
            ? { kind: 'replace', target }
            : roll < 0.85
              ? { kind: 'create', price: between(rng, 1000, 2000) + i }
              : { kind: 'delete', target }
    return { ...op, at: Math.floor(rng() * 60), client: Math.floor(rng() * 2) }
  })
  const crash: Crash = pick(rng, ['none', 'none', 'dies', 'dies', 'leaseLost', 'leaseLost'] as const)
  const crashAt = between(rng, 3, 60) // the runner's k-th request
  const runnerStart = Math.floor(rng() * 30)
  note(`records ${seeded.map((p) => `${p.name}=${p.price}`).join(' ')}; runner at ${runnerStart} ms, crash ${crash} at request ${crashAt}`)
  for (const op of ops) note(`@${op.at}ms client${op.client} ${JSON.stringify(op)}`)

  const apps = [0, 1].map(() => instrumentStore(o.store))
  for (const app of apps) disturb(app, chaos, o)
  const runApp = async (op: (typeof ops)[number]) => {
    await sleep(op.at)
    const products = repo(apps[op.client] as InstrumentedStore)
    const id = 'target' in op ? (targets[op.target % targets.length] as string) : ''
    switch (op.kind) {
      case 'bump':
        return void (await products.update(id, (p) => ({ hits: p.hits + 1 })))
      case 'tag':
        return void (await products.update(id, { tag: op.tag }))
      case 'replace': {
        const now = await products.getOrThrow(id)
        const { name, price, hits, tag } = now
        return void (await products.replace(id, { name, price, hits: hits + 10, tag }, { ifMatch: now.$etag }))
      }
      case 'create':
        return void targets.push((await products.create({ name: `c${op.price}`, price: op.price, hits: 0, tag: 'a' })).id)
      case 'delete':
        return void (await products.delete(id))
    }
  }

  /** One runner attempt (a process): disturbed unless `calm`; `crash` decides how it may end. */
  const attempt = async (n: number, how: Crash, calm: boolean, onCrash?: () => void) => {
    const store = instrumentStore(o.store)
    if (!calm) disturb(store, chaos, o)
    let requests = 0
    let crashed = false
    store.injectFault({
      key: (k) => {
        if (how === 'none' || (!crashed && ++requests < crashAt)) return false
        if (!crashed) {
          crashed = true
          onCrash?.()
        }
        return how === 'dies' || k.includes('_locks/')
      },
      error: () => new Error('killed'),
      times: Number.POSITIVE_INFINITY,
    })
    const runner = new MigrationRunner(store, 'b', [inCents], {
      models: [Product],
      leaseTtlMs: o.leaseTtlMs,
      holder: `runner ${n}`,
      ...base,
    })
    try {
      const report = await runner.runPending({ waitMs: 10 * o.leaseTtlMs })
      outcome.resumed ||= report.results.some((r) => r.alreadyApplied > 0)
      note(`runner ${n}: ${report.ok ? 'ok' : `not ok: ${report.results.map((r) => r.error ?? r.status).join('; ')}`}`)
      return report.ok
    } catch (e) {
      note(`runner ${n}: ${String(e)}`)
      if (!runnerTolerates(e)) violation('runnerError', `runner ${n}: ${String(e)}`)
      return false
    }
  }
  const runners = async () => {
    await sleep(runnerStart)
    let taking: Promise<boolean> | undefined
    // With a lost lease, the next runner starts at once and waits for the lease while the first one may still write.
    let ok = await attempt(1, crash, false, () => {
      if (crash === 'leaseLost') taking = attempt(2, 'none', false)
    })
    if (taking) ok = (await taking) || ok
    for (let n = 3; !ok && n <= 8; n++) ok = await attempt(n, 'none', n > 5)
    if (!ok) violation('neverApplied', 'no runner applied the migration in 8 attempts')
  }
  await Promise.all([
    runners(),
    ...ops.map((op) =>
      runApp(op).then(
        () => note(`done ${op.kind} (client${op.client} @${op.at})`),
        (e: unknown) => {
          note(`failed ${op.kind} (client${op.client} @${op.at}): ${String(e)}`)
          if (!appTolerates(e)) violation('appError', `${JSON.stringify(op)}: ${String(e)}`)
        },
      ),
    ),
  ])
  for (const app of apps) app.clearFaults()
  await sleep(o.lateMs + 20) // every late request has landed (or failed) by now

  const check = repo(o.store)
  const checker = new MigrationRunner(o.store, 'b', [inCents], { models: [Product], ...base })
  const status = await checker.status()
  if (status.applied.length !== 1 || status.pending.length > 0)
    violation('history', `applied ${status.applied.map((a) => a.version)}, pending ${status.pending.map((p) => p.version)}`)
  const run = status.applied[0]?.run
  // No run is left unfinished (a marker the last run could not remove names only recorded work): a rollback may begin.
  await checker.rollback('0001', { dryRun: true }).catch((e: unknown) => violation('unfinished', `a dry rollback is refused: ${String(e)}`))
  for (const before of seeded) {
    const raw = await check.core.readFresh(before.id)
    if (!raw) continue // deleted by the application
    if (raw.record.price !== before.price * 100) violation('price', `${before.name}: ${before.price} → ${raw.record.price}, not ×100`)
    if (raw.meta.m?.r !== run) violation('stamp', `${before.name}: stamped ${JSON.stringify(raw.meta.m)}, the run is ${run}`)
  }
  const verify = await check.verify()
  if (verify.missingIndexEntries.length > 0) violation('verify.missingIndexEntries', verify.missingIndexEntries.join(', '))
  for (const m of verify.missingClaims) violation('verify.missingClaims', `${m.field}=${String(m.value)} of ${m.id}`)
  for (const d of verify.duplicates) violation('verify.duplicates', `${d.field}=${String(d.value)} held by ${d.ids.join(', ')}`)
  return outcome
}

/** Runs `runs` schedules (seeds `firstSeed`…), `parallel` at a time: the failed ones, and how many resumed an interrupted run. */
export async function runMigrationSchedules(
  runs: number,
  parallel: number,
  schedule: (seed: number) => Promise<MigrationScheduleOutcome>,
  firstSeed = 1,
): Promise<{ failed: MigrationScheduleOutcome[]; resumed: number }> {
  const failed: MigrationScheduleOutcome[] = []
  let resumed = 0
  let next = 0
  const worker = async () => {
    while (next < runs) {
      const seed = firstSeed + next++
      const outcome = await schedule(seed).catch((e: unknown) => ({
        seed,
        schedule: [],
        violations: [{ invariant: 'checkerError', detail: e instanceof Error ? (e.stack ?? e.message) : String(e) }],
        resumed: false,
      }))
      if (outcome.violations.length > 0) failed.push(outcome)
      if (outcome.resumed) resumed++
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, runs) }, worker))
  return { failed: failed.sort((a, b) => a.seed - b.seed), resumed }
}

/** A readable report of failed schedules, with the seed to replay each. */
export function describeFailures(failed: readonly MigrationScheduleOutcome[], runs: number, show = 3): string {
  const lines = [`${failed.length} of ${runs} schedules broke an invariant`]
  for (const f of failed.slice(0, show)) {
    lines.push(`seed ${f.seed} (replay: S3V_MIGRATION_CHECKER_SEED=${f.seed} S3V_MIGRATION_CHECKER_RUNS=1):`)
    lines.push(...f.schedule.map((s) => `  ${s}`), ...f.violations.map((v) => `  ✗ ${v.invariant}: ${v.detail}`))
  }
  return lines.join('\n')
}
