import { S3verlessError } from '@s3verless/core'
import { randomToken } from './random-token.js'
import type { MarkerState, RunInProgress, RunMarker } from './run-marker.js'

/** What a run is about to do: apply pending migrations, or roll one back. */
export interface RunIntent {
  kind: RunInProgress['kind']
  /** The pending migrations (in order), or the one to roll back. */
  migrations: { version: string; modelName: string }[]
  holder: string
}

const listOf = (run: RunInProgress) => {
  const byModel = new Map<string, string[]>()
  for (const { version, modelName } of run.migrations) byModel.set(modelName, [...(byModel.get(modelName) ?? []), version])
  return [...byModel].map(([model, versions]) => `${versions.join(', ')} of ${model}`).join('; ')
}

const unfinished = (message: string, run: RunInProgress) =>
  new S3verlessError('migration.invalid', message, { details: { unfinished: run } })

/**
 * Whether the interrupted run the marker names is to be taken up by this one (same kind and work):
 * false when there is none or it is finished (all its work is in the history).
 * @throws S3verlessError `migration.invalid`, before anything changes, when an unfinished run of
 * another kind is there (finish it first), or it applied migrations this runner does not have.
 */
export function takesUp(
  found: RunInProgress | undefined,
  intent: RunIntent,
  applied: ReadonlySet<string>,
  known: ReadonlySet<string>,
): boolean {
  if (!found) return false
  const since = `begun by ${found.holder} at ${found.startedAt}`
  if (found.kind === 'rollback') {
    const target = found.migrations[0]
    if (!target || !applied.has(target.version)) return false // rolled back and out of the history: finished
    if (intent.kind === 'rollback' && intent.migrations[0]?.version === target.version) return true
    throw unfinished(
      `A rollback of ${target.version} (${target.modelName}) ${since} was interrupted; run rollback('${target.version}') again to finish it first`,
      found,
    )
  }
  const open = found.migrations.filter((m) => !applied.has(m.version))
  if (open.length === 0) return false // every migration of it is recorded: finished
  const missing = open.filter((m) => !known.has(m.version)).map((m) => m.version)
  if (missing.length > 0) {
    throw unfinished(
      `A migration run (${listOf(found)}) ${since} was interrupted, and this runner does not have ${missing.join(', ')}, which it may have applied to some records; run it with the same migrations to finish it`,
      found,
    )
  }
  if (intent.kind === 'migrate') return true
  throw unfinished(`A migration run (${listOf(found)}) ${since} was interrupted; finish it with runPending() before rolling back`, found)
}

/**
 * One run of the runner (a `runPending` or a `rollback`): its id, which the records it rewrites are
 * stamped with, and its run-in-progress marker (see `RunMarker`). A run that finds an interrupted
 * run of the same work takes up that run's id, so records already rewritten are recognised by their
 * stamp. The marker is written once, before the first record write ({@link begin}), and removed once
 * the run's work is recorded ({@link finish}). A dry run reads the marker only (to skip as the real
 * run would).
 */
export class RunSession {
  #etag: string | undefined
  #body: RunInProgress | undefined

  private constructor(
    private readonly marker: RunMarker,
    /** The run's id. */
    readonly run: string,
    /** The interrupted run taken up, if any. */
    readonly resumed: RunInProgress | undefined,
    private readonly intent: RunIntent,
    read: MarkerState,
  ) {
    this.#etag = read.etag
  }

  /** Reads the marker (1 GET) and opens the run. @throws as {@link takesUp}. */
  static async open(marker: RunMarker, intent: RunIntent, applied: ReadonlySet<string>, known: ReadonlySet<string>): Promise<RunSession> {
    const state = await marker.read()
    const resumed = takesUp(state.run, intent, applied, known) ? state.run : undefined
    return new RunSession(marker, resumed?.run ?? randomToken(), resumed, intent, state)
  }

  /** Marks the run as in progress (once; a run taken up is marked with this runner as its holder). */
  async begin(): Promise<void> {
    if (this.#body) return
    const { kind, migrations, holder } = this.intent
    const body = this.resumed
      ? { ...this.resumed, holder }
      : { run: this.run, kind, migrations, holder, startedAt: new Date().toISOString() }
    this.#etag = await this.marker.begin(body, this.#etag)
    this.#body = body
  }

  /** Removes the marker once the run's work is recorded (nothing when it never began). */
  async finish(): Promise<void> {
    if (this.#body && this.#etag !== undefined) await this.marker.finish(this.#body, this.#etag)
  }
}
