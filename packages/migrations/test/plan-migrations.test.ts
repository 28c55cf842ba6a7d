import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { defineMigration } from '../src/migration.js'
import { planMigrations } from '../src/plan-migrations.js'
import { compareVersions } from '../src/version-order.js'

const m = (version: string, modelName = 'Product') => defineMigration({ version, modelName, apply: (r) => r })
const versions = (list: readonly { version: string }[]) => list.map((x) => x.version)

describe('planMigrations', () => {
  it('returns the pending migrations in natural version order', () => {
    const all = [m('0010'), m('0002'), m('0100'), m('0001'), m('0003')]
    expect(versions(planMigrations(all, ['0001', '0003']))).toEqual(['0002', '0010', '0100'])
    expect(versions(planMigrations(all, []))).toEqual(['0001', '0002', '0003', '0010', '0100'])
  })

  it('returns nothing when everything is applied, ignoring unknown applied versions', () => {
    expect(planMigrations([m('1'), m('2')], new Set(['1', '2', '3']))).toEqual([])
  })

  it('rejects two migrations with the same version, naming both', () => {
    let error: unknown
    try {
      planMigrations([m('0002', 'Product'), m('0001'), m('0002', 'User')], [])
    } catch (e) {
      error = e
    }
    expect(isS3verlessError(error, 'migration.duplicateVersion')).toBe(true)
    expect((error as Error).message).toBe('Two migrations have version "0002" (Product; User); give each a unique version')
  })
})

describe('compareVersions', () => {
  it('orders digit runs by value and breaks ties by spelling', () => {
    const sorted = ['v10', 'v2', '10', '9', '0002', '2', '0001_init', '0001', 'a', 'B', '99999999999999999999999'].sort(compareVersions)
    expect(sorted).toEqual(['0001', '0001_init', '0002', '2', '9', '10', '99999999999999999999999', 'B', 'a', 'v2', 'v10'])
  })
})
