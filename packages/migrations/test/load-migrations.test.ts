import { fileURLToPath } from 'node:url'
import { memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { loadMigrations, MigrationRunner } from '../src/index.js'
import { Product, seedV1 } from './fixtures.js'

const folder = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

describe('migrations from a folder', () => {
  it('loads every migration the files export (default and named), in version order', async () => {
    const migrations = await loadMigrations(folder('migrations'))
    expect(migrations.map((m) => m.version)).toEqual(['0001', '0002', '0010'])
  })

  it('runs them when the runner is given the folder (the spec’s migrationsDir)', async () => {
    const store = memoryStore()
    await seedV1(store, 3)
    const runner = new MigrationRunner(store, 'bucket', folder('migrations'), { models: [Product] })
    expect((await runner.runPending()).applied).toEqual(['0001', '0002', '0010'])
  })

  it('refuses a file that exports no migration, naming it', async () => {
    await expect(loadMigrations(folder('no-migration'))).rejects.toThrow(/no-migration\/helpers\.ts exports no migration/)
  })
})
