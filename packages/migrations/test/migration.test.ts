import { isS3verlessError, type S3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { defineMigration, type MigrationInput } from '../src/migration.js'

const base: MigrationInput = { version: '0001', modelName: 'Product', apply: (r) => ({ ...r, discount: 0 }) }

function invalid(input: unknown): S3verlessError {
  try {
    defineMigration(input as MigrationInput)
  } catch (e) {
    if (isS3verlessError(e, 'migration.invalid')) return e
    throw e
  }
  throw new Error('defineMigration accepted the input')
}

describe('defineMigration', () => {
  it('fills in defaults and freezes the migration', () => {
    const m = defineMigration(base)
    expect(m).toMatchObject({ version: '0001', modelName: 'Product', description: '', reversible: false })
    expect(m.rollback).toBeUndefined()
    expect(Object.isFrozen(m)).toBe(true)
  })

  it('is reversible when a rollback is given', () => {
    const m = defineMigration({ ...base, rollback: ({ discount: _, ...r }) => r })
    expect(m.reversible).toBe(true)
    expect(m.rollback?.(m.apply({ id: 'a' }))).toEqual({ id: 'a' })
    expect(defineMigration({ ...base, rollback: (r) => r, reversible: false }).reversible).toBe(false)
  })

  it.each(['', '00 01', '0001/..', 'v1.2', 'x'.repeat(129), 1])('rejects the version %j', (version) => {
    expect(invalid({ ...base, version }).message).toMatch(/^Invalid migration .*: version must be 1-128 letters, digits, "_" or "-"/)
  })

  it('accepts versions made of letters, digits, "_" and "-"', () => {
    expect(defineMigration({ ...base, version: '2026-11-26_add-discount' }).version).toBe('2026-11-26_add-discount')
  })

  it('requires a rollback for a reversible migration, and functions for apply and rollback', () => {
    expect(invalid({ ...base, reversible: true }).message).toBe(
      'Invalid migration 0001 (Product): reversible is true but no rollback is given',
    )
    expect(invalid({ ...base, apply: { discount: 0 } }).message).toContain('apply must be a function')
    expect(invalid({ ...base, rollback: 'undo' }).message).toContain('rollback must be a function')
  })

  it('lists every problem at once', () => {
    const error = invalid({ version: '', modelName: ' ', apply: undefined })
    expect(error.details.problems).toHaveLength(3)
  })
})
