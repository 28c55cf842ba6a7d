import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { applyToRecord } from '../src/apply-to-record.js'
import { defineMigration, type RecordTransform } from '../src/migration.js'

const m = (version: string, apply: RecordTransform, modelName = 'Product') => defineMigration({ version, modelName, apply })

const addDiscount = m('0002', (r) => ({ ...r, discount: 0 }))
const renameTitle = m('0001', ({ title, ...r }) => ({ ...r, name: title }))
const discountInCents = m('0010', (r) => ({ ...r, discount: Number(r.discount) * 100, currency: 'EUR' }))

describe('applyToRecord', () => {
  it('runs every migration in version order, whatever order they are given in', () => {
    const result = applyToRecord([discountInCents, addDiscount, renameTitle], { id: '1', title: 'Pen' })
    expect(result).toEqual({ id: '1', name: 'Pen', discount: 0, currency: 'EUR' })
  })

  it('leaves the input record untouched, even when a migration mutates its argument', () => {
    const record = { id: '1', tags: ['a'] }
    const mutating = m('0001', (r) => {
      ;(r.tags as string[]).push('b')
      r.touched = true
      return r
    })
    expect(applyToRecord([mutating], record)).toEqual({ id: '1', tags: ['a', 'b'], touched: true })
    expect(record).toEqual({ id: '1', tags: ['a'] })
  })

  it('returns a copy when there is nothing to apply', () => {
    const record = { id: '1' }
    const result = applyToRecord([], record)
    expect(result).toEqual(record)
    expect(result).not.toBe(record)
  })

  it('names the migration that throws, keeping its error as the cause', () => {
    const boom = new Error('no price')
    const failing = m('0003', () => {
      throw boom
    })
    let error: unknown
    try {
      applyToRecord([addDiscount, failing], { id: '1' })
    } catch (e) {
      error = e
    }
    expect(isS3verlessError(error, 'migration.failed')).toBe(true)
    expect((error as Error).message).toBe('Migration 0003 (Product) failed: no price')
    expect((error as Error).cause).toBe(boom)
  })

  it('rejects a migration that does not return a record', () => {
    const forgetful = m('0001', (() => undefined) as unknown as RecordTransform)
    expect(() => applyToRecord([forgetful], { id: '1' })).toThrow(
      'Migration 0001 (Product) must return the record as a plain object, got undefined',
    )
  })

  it("refuses to apply another model's migrations to the record", () => {
    expect(() => applyToRecord([addDiscount, m('0005', (r) => r, 'User')], { id: '1' })).toThrow(
      'Cannot apply migrations of several models (Product, User) to one record',
    )
  })
})
