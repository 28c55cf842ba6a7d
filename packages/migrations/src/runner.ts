import { createDatabase, DEFAULT_BASE_PATH, type Model, type ObjectStore, type S3ClientLike, S3verlessError } from '@s3verless/core'
import { type AppliedMigration, MigrationHistory } from './history.js'
import { checkLeaseTtl, DEFAULT_LEASE_TTL_MS, MigrationLease } from './lease.js'
import { loadMigrations } from './load-migrations.js'
import type { Migration } from './migration.js'
import { backfillPass, migratePass, type PassContext, rollbackPass, type Target } from './model-passes.js'
import { planMigrations, sortMigrations } from './plan-migrations.js'
import { resolveStore } from './resolve-store.js'
import { RunMarker } from './run-marker.js'
import type { BackfillResult, MigrationResult, RunReport } from './run-report.js'
import { failedResults, resultOf } from './run-results.js'
import { type RunIntent, RunSession } from './run-session.js'
import type { MigrationRunnerOptions, MigrationStatusReport, RunOptions, RunPendingOptions } from './runner-options.js'
import { storedShapeOf } from './stored-shape.js'
import { compareVersions } from './version-order.js'

const defaultHolder = () => {
  const pid = typeof process !== 'undefined' && typeof process.pid === 'number' ? `pid ${process.pid} ` : ''
  return `${pid}runner ${Math.random().toString(36).slice(2, 8)}`
}

/** Splits migrations (in version order) by model, models in the order of their first migration. */
function byModel(migrations: readonly Migration[]): Migration[][] {
  const groups = new Map<string, Migration[]>()
  for (const m of migrations) groups.set(m.modelName, [...(groups.get(m.modelName) ?? []), m])
  return [...groups.values()]
}

const invalid = (message: string, details: Record<string, unknown> = {}) => new S3verlessError('migration.invalid', message, { details })

/**
 * Runs data migrations against a bucket (the spec's `MigrationRunner(s3Client, bucketName,
 * migrationsDir)`), safely while the application keeps running:
 * - **One runner at a time**: a lease at `{base}_locks/migrations` (conditional writes; a crashed
 *   runner's lease expires after `leaseTtlMs` by the store's clock). A second runner waits
 *   (`waitMs`) or fails with `migration.locked` naming the holder.
 * - **History**: one object per applied migration, `{base}_migrations/{version}.json`, written only
 *   after the migration succeeded on every record. A second `runPending` does nothing.
 * - **Records** are streamed page by page and rewritten through the repository with compare-and-swap,
 *   so unique claims and index entries stay in step and a record the application changes meanwhile
 *   is re-read, never overwritten. Every record is checked (a dry pass) before any is written: each
 *   migrated record must pass the model's schema, and no unique value may end up held twice or have
 *   to move in a cycle. A migration that fails on any record, or names an unknown model, is reported
 *   with the record ids and not recorded; the run stops there.
 * - **Exactly once**: each record a run rewrites is stamped with the run's id and the migrations
 *   applied to it (`_s3v.m`; the application's later writes keep it). Before its first write a run
 *   leaves a marker (`{base}_migrations/.in-progress.json`), removed once its migrations are
 *   recorded; a run started after an interrupted one (a crash, a lost lease, failed records) takes
 *   up its id and skips the records it already rewrote, or applies only the migrations their stamp
 *   lacks. So a non-idempotent change (`TransformField`, `Custom`) is never applied twice; a
 *   rollback is stamped the same way.
 * - The pending migrations of one model run together, in version order, in one pass over its records
 *   (so a record is only checked against the schema in its final shape); models run in the order of
 *   their first pending migration. A migration naming a model the runner was not given fails the run
 *   before any record is read.
 * Records the application writes in the new shape meanwhile carry no stamp of the run and are
 * migrated like the others: operations should leave a record already in the new shape unchanged
 * (the built-in ones but `TransformField` and `Custom` do).
 * @example
 * const runner = new MigrationRunner(s3Client, 'my-bucket', [addDiscount, renameTitle], { models: [Product] })
 * const report = await runner.runPending({ onProgress: ({ done, total }) => console.log(`${done}/${total}`) })
 * if (!report.ok) console.error(report.results.filter((r) => r.status === 'failed'))
 */
export class MigrationRunner {
  /** The store migrated. */
  readonly store: ObjectStore
  readonly history: MigrationHistory
  readonly holder: string
  readonly #source: readonly Migration[] | string
  #loaded: Promise<Migration[]> | undefined
  readonly #targets = new Map<string, Target>()
  readonly #options: MigrationRunnerOptions
  readonly #lockKey: string
  readonly #marker: RunMarker
  readonly #leaseTtlMs: number

  /**
   * @param client an AWS SDK `S3Client`, an `S3ClientManager` or any ObjectStore.
   * @param migrations the migrations, or a folder whose `.js`/`.mjs`/`.ts` files export them (Node only; loaded on first use).
   * @throws S3verlessError `migration.duplicateVersion` when two migrations share a version.
   * @throws SettingsError (`settings.invalid`) when `leaseTtlMs` is below twice the store's clock
   * resolution (2,000 ms on S3: see `minimumLeaseTtl`).
   */
  constructor(client: S3ClientLike, bucketName: string, migrations: readonly Migration[] | string, options: MigrationRunnerOptions) {
    this.#options = options
    this.store = resolveStore(client, bucketName, options.provider)
    this.#leaseTtlMs = checkLeaseTtl(this.store, options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS)
    const basePath = options.basePath ?? DEFAULT_BASE_PATH
    this.history = new MigrationHistory(this.store, basePath)
    this.#marker = new RunMarker(this.store, basePath)
    this.holder = options.holder ?? defaultHolder()
    this.#source = typeof migrations === 'string' ? migrations : sortMigrations(migrations)
    this.#lockKey = `${basePath}_locks/migrations`
    const shapes = options.models.map((model) => storedShapeOf(model))
    const db = createDatabase({
      store: this.store,
      basePath,
      models: shapes,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    })
    for (const [i, model] of options.models.entries()) this.#targets.set(model.name, { model, repo: db.repository(shapes[i] as Model) })
  }

  /** The migrations, in version order (loaded from the folder on first use). */
  migrations(): Promise<Migration[]> {
    const source = this.#source
    this.#loaded ??= typeof source === 'string' ? loadMigrations(source) : Promise.resolve([...source])
    return this.#loaded
  }

  /** Applied migrations (with dates and record counts) and pending ones, in version order. Reads the history only. */
  async status(): Promise<MigrationStatusReport> {
    const [all, applied] = await Promise.all([this.migrations(), this.history.list()])
    const known = new Set(all.map((m) => m.version))
    return {
      applied: applied.map((a) => ({ ...a, known: known.has(a.version) })),
      pending: planMigrations(
        all,
        applied.map((a) => a.version),
      ).map(({ version, modelName, description }) => ({ version, modelName, description })),
    }
  }

  /**
   * Applies every pending migration in version order (see the class description), then, with
   * `backfill`, brings records stored at an older lazy-upgrade version up to date and reindexes
   * their models (which also repairs entries and claims an older library version left wrong).
   * @throws S3verlessError `migration.locked` when another runner holds the lease (after `waitMs`),
   * or this runner lost it; `migration.invalid` when an interrupted rollback must be finished first,
   * or an interrupted run applied migrations this runner does not have; store errors as they come.
   * Failures of migrations on records are not thrown: they are in the report (`ok: false`).
   */
  async runPending(options: RunPendingOptions = {}): Promise<RunReport> {
    const started = Date.now()
    const all = await this.migrations()
    const dryRun = options.dryRun ?? false
    const nothing = { ok: true, dryRun, results: [], applied: [], backfills: [] }
    const first = await this.history.read()
    if (!options.backfill && planMigrations(all, versionsOf(first.applied)).length === 0) {
      // Nothing to do: no lease either, so a run after the last one writes nothing at all; but an
      // interrupted run left behind is reported (1 GET, only when its marker is there).
      if (first.others.includes(this.#marker.key)) await this.#session(all, first.applied, [])
      return { ...nothing, durationMs: Date.now() - started }
    }
    const lease = dryRun ? undefined : await this.#lease(options.waitMs)
    try {
      const { applied } = await this.history.read() // again under the lease: another runner may have applied some meanwhile
      const pending = planMigrations(all, versionsOf(applied))
      const session = await this.#session(all, applied, pending)
      const results = new Map<string, MigrationResult>()
      // A migration naming a model the runner does not know fails the run before any record is read.
      const unknown = pending.filter((m) => !this.#target(m.modelName))
      for (const m of unknown)
        results.set(m.version, {
          ...resultOf(m, 'failed', undefined),
          error: `${this.#unknownModel(m.modelName)}; not recorded as applied`,
        })
      let stopped = unknown.length > 0
      for (const group of byModel(pending.filter((m) => !results.has(m.version)))) {
        const outcome: MigrationResult[] = stopped
          ? group.map((m) => resultOf(m, 'notRun', undefined))
          : await this.#migrateModel(group, session, lease, options)
        for (const r of outcome) results.set(r.version, r)
        stopped ||= outcome.some((r) => r.status === 'failed')
      }
      if (!stopped && !dryRun) await session.finish()
      const backfills = options.backfill && !stopped ? await this.#backfill({ lease, options, settings: this.#options }) : []
      const ordered = pending.map((m) => results.get(m.version) as MigrationResult)
      return {
        ok: !stopped && backfills.every((b) => b.failureCount === 0),
        dryRun,
        results: ordered,
        applied: ordered.filter((r) => r.status === 'applied').map((r) => r.version),
        backfills,
        durationMs: Date.now() - started,
      }
    } finally {
      await lease?.release()
    }
  }

  /**
   * Rolls back one applied migration: its reverse on every record of its model (its rollback, then
   * its operations reversed in reverse order), then removes it from the history. Rolled-back records
   * are not checked against the schema (the runner's models describe the shape after the migration);
   * they are stamped like migrated ones, so a rollback interrupted and run again reverses no record twice.
   * @throws S3verlessError `migration.invalid`, before anything changes, when no migration has that
   * version, it is not reversible, its model is unknown, it is not applied, a later migration of
   * the same model is still applied (roll that back first), or an interrupted run must be finished
   * first; `migration.locked` as for `runPending`.
   */
  async rollback(version: string, options: RunOptions = {}): Promise<MigrationResult> {
    const all = await this.migrations()
    const migration = all.find((m) => m.version === version)
    if (!migration) throw invalid(`No migration has version ${JSON.stringify(version)}`, { version })
    if (!migration.reversible) {
      throw invalid(`Migration ${version} (${migration.modelName}) is not reversible; nothing was changed`, { version })
    }
    const target = this.#target(migration.modelName)
    if (!target) throw invalid(this.#unknownModel(migration.modelName), { version })
    const lease = options.dryRun ? undefined : await this.#lease(options.waitMs)
    try {
      const applied = await this.history.list()
      if (!applied.some((a) => a.version === version))
        throw invalid(`Migration ${version} is not applied; nothing to roll back`, { version })
      const later = applied.filter((a) => a.modelName === migration.modelName && compareVersions(a.version, version) > 0)
      if (later.length > 0) {
        const list = later.map((a) => a.version).join(', ')
        throw invalid(`Roll back ${list} first: later migrations of ${migration.modelName} are applied`, { version, later: list })
      }
      const session = await this.#session(all, applied, [migration], 'rollback')
      const outcome = await rollbackPass(target, migration, session, { lease, options, settings: this.#options })
      if (outcome.failureCount > 0) return failedResults([migration], outcome)[0] as MigrationResult
      if (options.dryRun) return resultOf(migration, 'wouldRollBack', outcome)
      await lease?.confirm()
      await this.history.remove(version)
      await session.finish()
      return resultOf(migration, 'rolledBack', outcome)
    } finally {
      await lease?.release()
    }
  }

  /** Backfills every model above version 1, in turn (see `backfillPass`). */
  async #backfill(ctx: PassContext): Promise<BackfillResult[]> {
    const out: BackfillResult[] = []
    for (const target of this.#targets.values()) if (target.model.version > 1) out.push(await backfillPass(target, ctx))
    return out
  }

  #target(modelName: string): Target | undefined {
    return this.#targets.get(modelName)
  }

  #unknownModel(modelName: string): string {
    return `Unknown model "${modelName}" (the runner was given: ${[...this.#targets.keys()].join(', ') || 'none'})`
  }

  #lease(waitMs: number | undefined): Promise<MigrationLease> {
    return MigrationLease.acquire({
      store: this.store,
      key: this.#lockKey,
      holder: this.holder,
      ttlMs: this.#leaseTtlMs,
      waitMs: waitMs ?? 0,
    })
  }

  /** Opens this run (taking up an interrupted one of the same work). @throws as `takesUp`. */
  #session(all: Migration[], applied: AppliedMigration[], work: Migration[], kind: RunIntent['kind'] = 'migrate'): Promise<RunSession> {
    const migrations = work.map(({ version, modelName }) => ({ version, modelName }))
    const known = new Set(all.map((m) => m.version))
    return RunSession.open(this.#marker, { kind, migrations, holder: this.holder }, new Set(versionsOf(applied)), known)
  }

  /** Runs one model's pending migrations in one pass and records them. */
  async #migrateModel(
    group: Migration[],
    session: RunSession,
    lease: MigrationLease | undefined,
    options: RunOptions,
  ): Promise<MigrationResult[]> {
    const target = this.#target(group[0]?.modelName as string) as Target
    const outcome = await migratePass(target, group, session, { lease, options, settings: this.#options })
    if (outcome.failureCount > 0) return failedResults(group, outcome)
    if (options.dryRun) return group.map((m) => resultOf(m, 'wouldApply', outcome))
    await lease?.confirm()
    for (const m of group) {
      const { version, modelName, description } = m
      // Records an interrupted attempt of this run rewrote count as rewritten by it: one entry, one application.
      const changed = outcome.changed + outcome.alreadyApplied
      await this.history.record({
        version,
        modelName,
        description,
        appliedAt: new Date(),
        records: outcome.records,
        changed,
        runBy: this.holder,
        run: session.run,
      })
    }
    return group.map((m) => resultOf(m, 'applied', outcome))
  }
}

const versionsOf = (applied: readonly AppliedMigration[]) => applied.map((a) => a.version)
