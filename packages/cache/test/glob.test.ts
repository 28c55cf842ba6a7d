import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { globMatcher } from '../src/index.js'

/** An independent oracle: the glob as an anchored regular expression. */
const viaRegExp = (pattern: string, key: string): boolean => {
  const source = Array.from(pattern, (c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))).join('')
  return new RegExp(`^${source}$`, 'su').test(key)
}

describe('globMatcher', () => {
  it('matches * against any run, including none and including separators', () => {
    const m = globMatcher('app:*:products:*')
    expect(m('app:record:products:1')).toBe(true)
    expect(m('app:a:b:products:')).toBe(true)
    expect(m('app:record:productsX:1')).toBe(false)
    expect(globMatcher('*')('')).toBe(true)
  })

  it('matches ? against exactly one character, counting an emoji as one', () => {
    expect(globMatcher('a?c')('abc')).toBe(true)
    expect(globMatcher('a?c')('ac')).toBe(false)
    expect(globMatcher('a?c')('abbc')).toBe(false)
    expect(globMatcher('a?c')('a😀c')).toBe(true)
  })

  it('gives every other character its literal meaning', () => {
    expect(globMatcher('a.c')('abc')).toBe(false)
    expect(globMatcher('[ab]')('a')).toBe(false)
    expect(globMatcher('[ab]')('[ab]')).toBe(true)
    expect(globMatcher('a\\*')('a\\xyz')).toBe(true)
    expect(globMatcher('exact')('exact')).toBe(true)
    expect(globMatcher('exact')('exactly')).toBe(false)
  })

  it('agrees with a regular-expression oracle on random patterns and keys', () => {
    const text = (chars: string[]) => fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((a) => a.join(''))
    fc.assert(
      fc.property(text(['a', 'b', ':', '*', '?', '.']), text(['a', 'b', ':', '.', '*']), (pattern, key) => {
        expect(globMatcher(pattern)(key)).toBe(viaRegExp(pattern, key))
      }),
      { numRuns: 3000 },
    )
  })

  it('stays fast on patterns that make backtracking matchers explode', () => {
    const started = performance.now()
    expect(globMatcher('*a*a*a*a*a*a*a*b')('a'.repeat(20_000))).toBe(false)
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})
