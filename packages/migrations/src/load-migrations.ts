import { S3verlessError } from '@s3verless/core'
import { isMigration, type Migration } from './migration.js'
import { sortMigrations } from './plan-migrations.js'

const MODULE = /\.(m?js|m?ts)$/
const SKIPPED = /\.d\.m?ts$|\.(test|spec)\.m?[jt]s$/

/**
 * Loads the migrations exported by the files of a folder (Node only): every `.js`, `.mjs`, `.ts` or
 * `.mts` file (not `.d.ts` or tests), each exporting one or more migrations (as `default` or named
 * exports, or lists of them). `.ts` files need a runtime that loads TypeScript (tsx, vitest, Node's
 * type stripping). Returned in version order.
 * @throws S3verlessError `migration.invalid` naming a file that exports no migration;
 * `migration.duplicateVersion` when two share a version.
 * @example
 * const migrations = await loadMigrations('./migrations')
 */
export async function loadMigrations(folder: string): Promise<Migration[]> {
  const { readdir } = await import('node:fs/promises')
  const { resolve } = await import('node:path')
  const { pathToFileURL } = await import('node:url')
  const files = (await readdir(folder)).filter((f) => MODULE.test(f) && !SKIPPED.test(f)).sort()
  const found: Migration[] = []
  for (const file of files) {
    const exported: unknown[] = Object.values((await import(pathToFileURL(resolve(folder, file)).href)) as Record<string, unknown>)
    const migrations = exported.flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isMigration)
    if (migrations.length === 0) {
      throw new S3verlessError(
        'migration.invalid',
        `${resolve(folder, file)} exports no migration (export one built with new Migration(...))`,
        {
          details: { file },
        },
      )
    }
    found.push(...new Set(migrations))
  }
  return sortMigrations(found)
}
