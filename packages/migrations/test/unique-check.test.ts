import { describe, expect, it } from 'vitest'
import { UniqueCheck } from '../src/unique-check.js'

/** Feeds a check with records id → [code before, code after] and returns the ids it fails, sorted. */
function failing(moves: Record<string, [string | null, string | null]>): string[] {
  const check = new UniqueCheck('Item', ['code'])
  for (const [id, [before, after]] of Object.entries(moves)) check.add(id, { code: before }, { code: after })
  return check
    .failures()
    .map((f) => f.id)
    .sort()
}

describe('UniqueCheck', () => {
  it('lets values move along a chain of any length, and into values given up', () => {
    expect(failing({ r1: ['a', 'b'], r2: ['b', 'c'], r3: ['c', 'd'], r4: ['d', 'e'], r5: ['x', 'x'] })).toEqual([])
    expect(failing({ r1: ['a', null], r2: ['b', 'a'] })).toEqual([])
  })

  it('fails every record of a cycle (of two or three), and those waiting on one, but not the others', () => {
    expect(failing({ r1: ['a', 'b'], r2: ['b', 'a'] })).toEqual(['r1', 'r2'])
    expect(failing({ r1: ['a', 'b'], r2: ['b', 'c'], r3: ['c', 'a'], r4: ['d', 'e'] })).toEqual(['r1', 'r2', 'r3'])
    // r3 waits for r1 to give up tag t1, but r1 is stuck in a code cycle with r2: r3 is stuck too.
    const check = new UniqueCheck('Item', ['code', 'tag'])
    check.add('r1', { code: 'a', tag: 't1' }, { code: 'b', tag: 't2' })
    check.add('r2', { code: 'b', tag: 't3' }, { code: 'a', tag: 't3' })
    check.add('r3', { code: 'c', tag: 't4' }, { code: 'c', tag: 't1' })
    check.add('r4', { code: 'd', tag: 't5' }, { code: 'e', tag: 't5' })
    const failures = check.failures()
    expect(failures.map((f) => f.id).sort()).toEqual(['r1', 'r2', 'r3'])
    expect(failures.find((f) => f.id === 'r3')?.error).toBe(
      'Item r3: would take tag = "t1" from r1, which cannot give it up first: records r1, r2, r3 wait on each other\'s values in a cycle (a → b while b → a), which cannot be rewritten one record at a time',
    )
  })

  it('fails records whose new values collide, with each other or with a record keeping its value; nulls are not values', () => {
    expect(failing({ r1: ['a', 'x'], r2: ['b', 'x'], r3: ['c', 'c'] })).toEqual(['r1', 'r2'])
    expect(failing({ r1: ['a', 'c'], r3: ['c', 'c'] })).toEqual(['r1'])
    expect(failing({ r1: ['a', null], r2: ['b', null] })).toEqual([])
    expect(failing({ r1: ['dup', 'dup'], r2: ['dup', 'dup'] })).toEqual([]) // held twice already, and left as is: not the migration's doing
  })
})
