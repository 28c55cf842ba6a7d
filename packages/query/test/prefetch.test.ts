import { belongsTo, createDatabase, defineModel, hasMany, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { Query, query } from '../src/index.js'

const Author = defineModel(z.object({ name: z.string() }), {
  name: 'Author',
  relations: { books: hasMany('Book', { foreignKey: 'authorId' }) },
})
const Book = defineModel(z.object({ title: z.string(), authorId: z.string(), year: z.number() }), {
  name: 'Book',
  indexed: ['year'],
  relations: { author: belongsTo('Author', { foreignKey: 'authorId' }) },
})

describe('prefetchRelated and the spec constructor', () => {
  it('loads relations for the whole result in batched lookups', async () => {
    const store = instrumentStore(memoryStore())
    const db = createDatabase({ store, models: [Author, Book] })
    const authors = db.repository(Author)
    const books = db.repository(Book)
    const [ann, ben] = await authors.createMany([{ name: 'Ann' }, { name: 'Ben' }])
    await books.createMany([
      { title: 'A1', authorId: ann!.id, year: 2001 },
      { title: 'A2', authorId: ann!.id, year: 2002 },
      { title: 'B1', authorId: ben!.id, year: 2003 },
    ])
    store.reset()
    const rows = await query(books).filter({ year__gte: 2001 }).orderBy('year').prefetchRelated('author').all()
    expect(rows.map((b) => [b.title, (b.author as { name: string }).name])).toEqual([
      ['A1', 'Ann'],
      ['A2', 'Ann'],
      ['B1', 'Ben'],
    ])
    // 1 LIST + 3 GETs for the books, then one GET per distinct author (2), not one per book
    expect(store.counts()).toMatchObject({ list: 1, get: 5 })
    const withBooks = await query(authors).orderBy('createdAt').prefetchRelated('books').all()
    expect(withBooks.map((a) => (a.books as { title: string }[]).map((b) => b.title).sort())).toEqual([['A1', 'A2'], ['B1']])
  })

  it('accepts the spec constructor Query(model, client, bucket)', async () => {
    const client = memoryStore()
    const repo = createDatabase({ store: client, models: [Author, Book] }).repository(Book)
    await repo.create({ title: 'X', authorId: '01900000-0000-7000-8000-000000000000', year: 1999 })
    const found = await new Query(Book, client, 'any-bucket', { models: [Author] }).filter({ year: 1999 }).all()
    expect(found.map((b) => b.title)).toEqual(['X'])
  })
})
