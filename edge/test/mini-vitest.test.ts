import { describe, expect, it } from 'vitest'
import * as mini from '../workers/mini-vitest.js'

// The workerd conformance run is only as good as this runner: its matchers must fail when they should.
describe('the mini runner used inside workerd', () => {
  it('reports failing matchers as failed tests and passing ones as passed', async () => {
    mini.describe('suite', () => {
      mini.it('toBe', () => mini.expect(1).toBe(2))
      mini.it('toEqual', () => mini.expect({ a: [1, 2] }).toEqual({ a: [1, 3] }))
      mini.it('not.toBeNull', () => mini.expect(null).not.toBeNull())
      mini.it('toContain', () => mini.expect(['a']).toContain('b'))
      mini.it('toHaveLength', () => mini.expect([1]).toHaveLength(2))
      mini.it('toBeLessThan', () => mini.expect(3).toBeLessThan(2))
      mini.it('resolves', () => mini.expect(Promise.resolve(1)).resolves.toBeUndefined())
      mini.it('passes', () => mini.expect({ a: [1, undefined] }).toEqual({ a: [1, undefined] }))
    })
    mini.describe.skipIf(true)('skipped', () => mini.it('never runs', () => mini.expect(1).toBe(2)))
    const outcomes = await mini.runAll()
    expect(outcomes.map((o) => [o.name, o.state])).toEqual([
      ['suite > toBe', 'failed'],
      ['suite > toEqual', 'failed'],
      ['suite > not.toBeNull', 'failed'],
      ['suite > toContain', 'failed'],
      ['suite > toHaveLength', 'failed'],
      ['suite > toBeLessThan', 'failed'],
      ['suite > resolves', 'failed'],
      ['suite > passes', 'passed'],
      ['skipped > never runs', 'skipped'],
    ])
  })
})
