import { fromUtf8, isS3verlessError, type ObjectStore, S3verlessError } from '@s3verless/core'

/** A run that began writing records and has not finished (what the marker object says). */
export interface RunInProgress {
  /** The run's id: the records it rewrites are stamped with it (`_s3v.m.r`). */
  run: string
  /** `migrate` (`runPending`) or `rollback`. */
  kind: 'migrate' | 'rollback'
  /** The migrations it applies (those pending when it began) or, for a rollback, the one it reverses. */
  migrations: { version: string; modelName: string }[]
  /** The runner that began it (or last took it up again). */
  holder: string
  startedAt: string
}

interface MarkerBody extends RunInProgress {
  /** Set instead of deleting where DELETE ignores `If-Match`: the run finished. */
  finished?: boolean
}

/** What the marker holds now: the run (absent when there is none, or it finished) and the object's etag (to replace it with compare-and-swap). */
export interface MarkerState {
  run: RunInProgress | undefined
  etag: string | undefined
}

const lostRace = (error: unknown) => isS3verlessError(error, 'store.preconditionFailed')
const unsure = (error: unknown) => isS3verlessError(error, 'store.conflict') || isS3verlessError(error, 'store.unavailable')
const JSON_TYPE = { contentType: 'application/json' } as const

function parse(body: Uint8Array): MarkerBody | undefined {
  try {
    const parsed = JSON.parse(fromUtf8(body)) as Partial<MarkerBody>
    const ok =
      typeof parsed.run === 'string' && (parsed.kind === 'migrate' || parsed.kind === 'rollback') && Array.isArray(parsed.migrations)
    return ok ? (parsed as MarkerBody) : undefined
  } catch {
    return undefined
  }
}

/**
 * The run-in-progress marker, `{base}_migrations/.in-progress.json` (a name no version can have):
 * written, under the migration lease, before a run writes its first record and removed once its
 * migrations are recorded (or, for a rollback, removed from the history). A run that finds it left
 * behind by an interrupted run takes up that run's id, so records the interrupted run already
 * rewrote (stamped with that id) are not rewritten again. Leftovers of finished runs are harmless:
 * a run is only taken up while some of its work is not yet in the history.
 */
export class RunMarker {
  readonly key: string

  constructor(
    private readonly store: ObjectStore,
    basePath: string,
  ) {
    this.key = `${basePath}_migrations/.in-progress.json`
  }

  /** Reads the marker (1 GET). An unreadable or finished one reads as no run. */
  async read(): Promise<MarkerState> {
    const object = await this.store.get(this.key)
    if (!object) return { run: undefined, etag: undefined }
    const body = parse(object.body)
    if (!body || body.finished) return { run: undefined, etag: object.etag }
    const { finished: _, ...run } = body
    return { run, etag: object.etag }
  }

  /**
   * Writes the marker for `run`, replacing the version read (`replacing`; none: create-if-absent).
   * Returns the new etag.
   * @throws S3verlessError `migration.locked` when the marker changed since it was read (another
   * runner is at work: this one must stop before writing any record).
   */
  async begin(run: RunInProgress, replacing: string | undefined): Promise<string> {
    const text = JSON.stringify(run)
    const condition = replacing !== undefined ? { ifMatch: replacing } : ({ ifNoneMatch: '*' } as const)
    for (let attempt = 0; ; attempt++) {
      let failure: unknown
      try {
        return (await this.store.put(this.key, text, { ...condition, ...JSON_TYPE })).etag
      } catch (error) {
        if (!lostRace(error) && !unsure(error)) throw error
        failure = error
      }
      // The answer was lost, or the condition failed: perhaps because a lost answer's write landed.
      const now = await this.store.get(this.key)
      if (now && fromUtf8(now.body) === text) return now.etag
      const unchanged = replacing !== undefined ? now?.etag === replacing : now === null
      if (unsure(failure) && unchanged && attempt < 3) continue // not landed: the same request again (at most one of them can)
      throw new S3verlessError(
        'migration.locked',
        `The migration run marker ${this.key} was changed by another runner while this one held the lease; this runner stopped before writing any record`,
        { cause: failure, details: { key: this.key } },
      )
    }
  }

  /**
   * Removes the marker of the finished `run`, only if it is still the version written (`etag`):
   * a conditional delete, or where DELETE ignores `If-Match` a compare-and-swap to a finished
   * marker. Best effort: a marker left behind only ever names work already in the history.
   */
  async finish(run: RunInProgress, etag: string): Promise<void> {
    try {
      if (this.store.capabilities.conditionalDelete) await this.store.delete(this.key, { ifMatch: etag })
      else await this.store.put(this.key, JSON.stringify({ ...run, finished: true }), { ifMatch: etag, ...JSON_TYPE })
    } catch (error) {
      if (!lostRace(error) && !unsure(error)) throw error
    }
  }
}
