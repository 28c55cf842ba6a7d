import { S3verlessError } from '@s3verless/core'
import type { Migration } from './migration.js'
import { compareVersions } from './version-order.js'

/**
 * Sorts migrations into version order (see `compareVersions`) after checking that no version is
 * used twice. Returns a new array.
 * @throws S3verlessError `migration.duplicateVersion` naming the version and both migrations.
 */
export function sortMigrations(migrations: readonly Migration[]): Migration[] {
  const seen = new Map<string, Migration>()
  for (const migration of migrations) {
    const earlier = seen.get(migration.version)
    if (earlier) {
      const describe = (m: Migration) => `${m.modelName}${m.description ? `: ${m.description}` : ''}`
      throw new S3verlessError(
        'migration.duplicateVersion',
        `Two migrations have version ${JSON.stringify(migration.version)} (${describe(earlier)}; ${describe(migration)}); give each a unique version`,
        { details: { version: migration.version, modelNames: [earlier.modelName, migration.modelName] } },
      )
    }
    seen.set(migration.version, migration)
  }
  return [...migrations].sort((a, b) => compareVersions(a.version, b.version))
}

/**
 * The migrations still to run: those whose version is not among `appliedVersions`, in version
 * order (natural order: `0002` before `0010`). Applied versions that match no known migration are
 * ignored. Pure: reads no store.
 * @throws S3verlessError `migration.duplicateVersion` when two migrations share a version.
 * @example
 * const pending = planMigrations([addDiscount, addSku], ['0001'])
 * // [addSku]
 */
export function planMigrations(all: readonly Migration[], appliedVersions: Iterable<string>): Migration[] {
  const applied = new Set(appliedVersions)
  return sortMigrations(all).filter((migration) => !applied.has(migration.version))
}
