import { fromUtf8, isS3verlessError, type ObjectStore } from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'
import { compareVersions, isVersionName } from './version-order.js'

/** What the history keeps of one applied migration (`{base}_migrations/{version}.json`). */
export interface AppliedMigration {
  version: string
  modelName: string
  description: string
  /** When it was recorded (after it succeeded on every record). */
  appliedAt: Date
  /** Records of the model seen by the run. */
  records: number
  /** Records it rewrote (the others were already in the new shape). */
  changed: number
  /** Who ran it (the runner's `holder`). */
  runBy: string
  /**
   * The run that applied it: the id its records were stamped with (`_s3v.m.r`). A run interrupted
   * and started again keeps its id, so one entry covers every attempt. Absent in older entries.
   */
  run?: string
}

type StoredEntry = Omit<AppliedMigration, 'appliedAt'> & { appliedAt: string }

/**
 * The history of applied migrations: one object per migration, `{base}_migrations/{version}.json`,
 * created (create-if-absent) only once the migration succeeded on every record and deleted when it
 * is rolled back. Never one file rewritten in place, so two writers cannot lose each other's entries.
 */
export class MigrationHistory {
  readonly prefix: string

  constructor(
    private readonly store: ObjectStore,
    basePath: string,
  ) {
    this.prefix = `${basePath}_migrations/`
  }

  key(version: string): string {
    return `${this.prefix}${version}.json`
  }

  /** Every applied migration, in version order: ⌈n/1000⌉ LISTs + n GETs (n applied migrations). */
  async list(): Promise<AppliedMigration[]> {
    return (await this.read()).applied
  }

  /**
   * Every applied migration, and whether the listing also holds other objects (`others`: keys under
   * the prefix that are not `{version}.json`, such as the run-in-progress marker), at the same cost
   * as {@link list}.
   */
  async read(): Promise<{ applied: AppliedMigration[]; others: string[] }> {
    const keys: string[] = []
    const others: string[] = []
    let cursor: string | undefined
    do {
      const page = await this.store.list(this.prefix, cursor ? { cursor } : {})
      for (const { key } of page.objects) (isVersionName(versionOf(this.prefix, key)) ? keys : others).push(key)
      cursor = page.cursor
    } while (cursor)
    const entries = await mapLimit(keys, 16, async (key) => {
      const object = await this.store.get(key)
      return object ? parseEntry(versionOf(this.prefix, key), object.body) : undefined
    })
    const applied = entries.filter((e): e is AppliedMigration => e !== undefined).sort((a, b) => compareVersions(a.version, b.version))
    return { applied, others }
  }

  /** Records a migration as applied. False when it was already recorded (the entry is left as it was). */
  async record(entry: AppliedMigration): Promise<boolean> {
    const body: StoredEntry = { ...entry, appliedAt: entry.appliedAt.toISOString() }
    try {
      await this.store.put(this.key(entry.version), JSON.stringify(body), { ifNoneMatch: '*', contentType: 'application/json' })
      return true
    } catch (error) {
      if (isS3verlessError(error, 'store.preconditionFailed')) return false
      throw error
    }
  }

  /** Forgets a migration (after its rollback). */
  async remove(version: string): Promise<void> {
    await this.store.delete(this.key(version))
  }
}

/** The version a history key stands for (`''` for a key that is not `{prefix}{version}.json`). */
const versionOf = (prefix: string, key: string) => (key.endsWith('.json') ? key.slice(prefix.length, -'.json'.length) : '')

function parseEntry(version: string, body: Uint8Array): AppliedMigration {
  let stored: Partial<StoredEntry> = {}
  try {
    stored = JSON.parse(fromUtf8(body)) as Partial<StoredEntry>
  } catch {
    // An unreadable entry still says the migration was applied: keep what the key tells.
  }
  return {
    version,
    modelName: typeof stored.modelName === 'string' ? stored.modelName : '',
    description: typeof stored.description === 'string' ? stored.description : '',
    appliedAt: new Date(typeof stored.appliedAt === 'string' ? stored.appliedAt : 0),
    records: typeof stored.records === 'number' ? stored.records : 0,
    changed: typeof stored.changed === 'number' ? stored.changed : 0,
    runBy: typeof stored.runBy === 'string' ? stored.runBy : '',
    ...(typeof stored.run === 'string' ? { run: stored.run } : {}),
  }
}
