/**
 * Just enough of vitest's API (describe, it, beforeAll, expect with the matchers the store
 * conformance suite uses) to run that suite *inside* workerd, where vitest itself cannot run.
 * The bundler swaps `vitest` for this file; `runAll()` then runs what was registered and reports
 * each test's outcome, which the Node-side test asserts on.
 */

type Fn = () => unknown | Promise<unknown>
interface Test {
  name: string
  fn: Fn
  skip: boolean
}
interface Suite {
  name: string
  tests: Test[]
  beforeAll: Fn[]
  skip: boolean
}

const suites: Suite[] = []
let current: Suite | undefined

function register(name: string, body: () => void, skip: boolean): void {
  const suite: Suite = { name, tests: [], beforeAll: [], skip }
  suites.push(suite)
  const outer = current
  current = suite
  try {
    body()
  } finally {
    current = outer
  }
}

/** Registers a suite. */
export const describe = Object.assign((name: string, body: () => void) => register(name, body, false), {
  skipIf: (condition: boolean) => (name: string, body: () => void) => register(name, body, condition),
})

/** Registers a test in the current suite. */
export function it(name: string, fn: Fn): void {
  if (!current) throw new Error(`it(${JSON.stringify(name)}) outside describe`)
  current.tests.push({ name, fn, skip: current.skip })
}

/** Runs once before the current suite's tests. */
export function beforeAll(fn: Fn): void {
  current?.beforeAll.push(fn)
}

const show = (value: unknown) => {
  try {
    return JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))?.slice(0, 300) ?? String(value)
  } catch {
    return String(value)
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  if (ka.length !== kb.length) return false
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

type Matchers = {
  toBe(expected: unknown): void
  toEqual(expected: unknown): void
  toBeNull(): void
  toBeUndefined(): void
  toBeInstanceOf(type: new (...args: never[]) => unknown): void
  toBeLessThan(n: number): void
  toBeLessThanOrEqual(n: number): void
  toContain(item: unknown): void
  toHaveLength(n: number): void
  toMatch(pattern: RegExp | string): void
}

function matchers(actual: unknown, negate: boolean): Matchers {
  const check = (pass: boolean, what: string) => {
    if (pass === negate) throw new Error(`expected ${show(actual)} ${negate ? 'not ' : ''}${what}`)
  }
  return {
    toBe: (expected) => check(Object.is(actual, expected), `to be ${show(expected)}`),
    toEqual: (expected) => check(deepEqual(actual, expected), `to equal ${show(expected)}`),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeInstanceOf: (type) => check(actual instanceof type, `to be an instance of ${type.name}`),
    toBeLessThan: (n) => check((actual as number) < n, `to be less than ${n}`),
    toBeLessThanOrEqual: (n) => check((actual as number) <= n, `to be at most ${n}`),
    toContain: (item) => check((actual as { includes(x: unknown): boolean }).includes(item), `to contain ${show(item)}`),
    toHaveLength: (n) => check((actual as { length: number }).length === n, `to have length ${n}`),
    toMatch: (pattern) =>
      check(typeof pattern === 'string' ? String(actual).includes(pattern) : pattern.test(String(actual)), `to match ${pattern}`),
  }
}

/** `expect(value)`: the matchers, `.not`, and `.resolves` for a promise. */
export function expect(actual: unknown) {
  return Object.assign(matchers(actual, false), {
    not: matchers(actual, true),
    resolves: new Proxy({} as Record<keyof Matchers, (...args: unknown[]) => Promise<void>>, {
      get:
        (_t, name: keyof Matchers) =>
        async (...args: unknown[]) =>
          (matchers(await actual, false)[name] as (...a: unknown[]) => void)(...args),
    }),
  })
}

/** One test's outcome. */
export interface TestOutcome {
  name: string
  state: 'passed' | 'failed' | 'skipped'
  error?: string
  ms: number
}

/** Runs every registered suite in order and reports each test. */
export async function runAll(): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = []
  for (const suite of suites.splice(0)) {
    if (!suite.skip) for (const fn of suite.beforeAll) await fn()
    for (const test of suite.tests) {
      const name = `${suite.name} > ${test.name}`
      if (test.skip) {
        outcomes.push({ name, state: 'skipped', ms: 0 })
        continue
      }
      const started = Date.now()
      try {
        await test.fn()
        outcomes.push({ name, state: 'passed', ms: Date.now() - started })
      } catch (error) {
        outcomes.push({ name, state: 'failed', error: String((error as Error)?.stack ?? error), ms: Date.now() - started })
      }
    }
  }
  return outcomes
}
