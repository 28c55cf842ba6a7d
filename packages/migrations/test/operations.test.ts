import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { applyToRecord, rollbackRecord } from '../src/apply-to-record.js'
import { Migration } from '../src/migration.js'
import { AddField, Custom, RemoveField, RenameField, TransformField } from '../src/operations.js'

const pen = { id: '1', title: 'Pen', price: 2.5 }
const migration = (operations: Migration['operations'], extra: Partial<ConstructorParameters<typeof Migration>[0]> = {}) =>
  new Migration({ version: '0001', modelName: 'Product', operations, ...extra })

describe('operations', () => {
  it('AddField adds the default only when the field is absent (null counts as present), and computes it from a function', () => {
    const add = new AddField('discount', 0)
    expect(add.apply(pen)).toEqual({ ...pen, discount: 0 })
    expect(add.apply({ ...pen, discount: 5 })).toEqual({ ...pen, discount: 5 })
    expect(add.apply({ ...pen, discount: null })).toEqual({ ...pen, discount: null })
    expect(new AddField('slug', (r) => String(r.title).toLowerCase()).apply(pen)).toEqual({ ...pen, slug: 'pen' })
    expect(add.reverse({ ...pen, discount: 0 })).toEqual(pen)
  })

  it('AddField gives each record its own copy of an object default', () => {
    const add = new AddField('tags', [])
    const a = add.apply(pen)
    ;(a.tags as string[]).push('x')
    expect(add.apply(pen).tags).toEqual([])
  })

  it('RemoveField removes the field; it is reversible only with a default to restore', () => {
    expect(new RemoveField('price').apply(pen)).toEqual({ id: '1', title: 'Pen' })
    expect(new RemoveField('nothing').apply(pen)).toEqual(pen)
    expect(new RemoveField('price').reversible).toBe(false)
    expect(() => new RemoveField('price').reverse(pen)).toThrow('Operation "remove price" is not reversible')
    const restorable = new RemoveField('price', { default: 0 })
    expect(restorable.reverse({ id: '1', title: 'Pen' })).toEqual({ id: '1', title: 'Pen', price: 0 })
    expect(restorable.reverse(pen)).toEqual(pen)
  })

  it('RenameField moves the value, is a no-op when the old field is absent, and refuses to overwrite', () => {
    const rename = new RenameField('title', 'name')
    expect(rename.apply(pen)).toEqual({ id: '1', name: 'Pen', price: 2.5 })
    expect(rename.apply({ id: '1', name: 'Pen' })).toEqual({ id: '1', name: 'Pen' })
    expect(() => rename.apply({ ...pen, name: 'Other' })).toThrow('cannot rename "title" to "name": the record has both fields')
    expect(rename.reverse({ id: '1', name: 'Pen', price: 2.5 })).toEqual(pen)
  })

  it('TransformField changes present values (null included) and leaves records without the field; reverse undoes it', () => {
    const cents = new TransformField(
      'price',
      (v) => (v === null ? null : Math.round(Number(v) * 100)),
      (v) => (v === null ? null : Number(v) / 100),
    )
    expect(cents.apply(pen)).toEqual({ ...pen, price: 250 })
    expect(cents.apply({ id: '1' })).toEqual({ id: '1' })
    expect(cents.apply({ id: '1', price: null })).toEqual({ id: '1', price: null })
    expect(cents.reverse(cents.apply(pen))).toEqual(pen)
    expect(new TransformField('price', (v) => v).reversible).toBe(false)
    expect(new TransformField('title', (v, r) => `${v} (${r.id})`).apply(pen).title).toBe('Pen (1)')
  })

  it('Custom runs any change of the record, reversible with a rollback', () => {
    const full = new Custom(
      (r) => ({ ...r, label: `${r.title} ${r.price}` }),
      ({ label: _, ...r }) => r,
    )
    expect(full.apply(pen)).toEqual({ ...pen, label: 'Pen 2.5' })
    expect(full.reverse(full.apply(pen))).toEqual(pen)
    expect(new Custom((r) => r).reversible).toBe(false)
  })

  it('refuses server fields, empty names and non-functions', () => {
    for (const make of [() => new AddField('id', 1), () => new RenameField('createdAt', 'made'), () => new RemoveField('_s3v')]) {
      expect(make).toThrow('is set by the server and cannot be changed')
    }
    expect(() => new RenameField('a', 'a')).toThrow('renamed to itself')
    expect(() => new AddField('', 1)).toThrow('a field name must be a non-empty string')
    expect(() => new TransformField('a', 1 as unknown as () => unknown)).toThrow('TransformField: fn must be a function')
  })
})

describe('Migration with operations', () => {
  const ops = [
    new RenameField('title', 'name'),
    new AddField('discount', 0),
    new TransformField(
      'price',
      (v) => Number(v) * 100,
      (v) => Number(v) / 100,
    ),
  ]

  it('applies the operations in order, then its own apply', () => {
    const m = migration(ops, { apply: (r) => ({ ...r, label: `${r.name}:${r.price}` }), rollback: ({ label: _, ...r }) => r })
    expect(m.apply(pen)).toEqual({ id: '1', name: 'Pen', price: 250, discount: 0, label: 'Pen:250' })
    expect(m.reversible).toBe(true)
  })

  it('rolls back in reverse order: its own rollback first, then each operation reversed from the last', () => {
    const seen: string[] = []
    const spy = (name: string) =>
      new Custom(
        (r) => r,
        (r) => (seen.push(name) ? r : r),
      )
    const m = migration([spy('first'), spy('second')], { apply: (r) => r, rollback: (r) => (seen.push('own') ? r : r) })
    rollbackRecord(m, pen)
    expect(seen).toEqual(['own', 'second', 'first'])
    const full = migration(ops)
    expect(rollbackRecord(full, applyToRecord([full], pen))).toEqual(pen)
  })

  it('is irreversible when one operation is, and refuses reversible: true then', () => {
    const m = migration([new AddField('a', 1), new RemoveField('price')])
    expect(m.reversible).toBe(false)
    expect(m.rollback).toBeUndefined()
    let error: unknown
    try {
      rollbackRecord(m, pen)
    } catch (e) {
      error = e
    }
    expect(isS3verlessError(error, 'migration.invalid')).toBe(true)
    expect((error as Error).message).toBe('Migration 0001 (Product) is not reversible')
    expect(() => migration([new RemoveField('price')], { reversible: true })).toThrow(
      'Invalid migration 0001 (Product): reversible is true but "remove price" cannot be reversed',
    )
    expect(() => new Migration({ version: '0001', modelName: 'Product' })).toThrow(
      'apply must be a function (record) => record, or operations given',
    )
  })

  it('is idempotent over records already migrated (the built-in operations leave the new shape alone)', () => {
    const m = migration([new RenameField('title', 'name'), new AddField('discount', 0), new RemoveField('legacy')])
    const once = applyToRecord([m], { ...pen, legacy: true })
    expect(applyToRecord([m], once)).toEqual(once)
  })

  it('names the migration when an operation fails on a record', () => {
    const m = migration([new RenameField('title', 'name')])
    expect(() => applyToRecord([m], { ...pen, name: 'x' })).toThrow(
      'Migration 0001 (Product) failed: cannot rename "title" to "name": the record has both fields',
    )
  })
})
