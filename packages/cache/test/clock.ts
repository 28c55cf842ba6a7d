/** A manual clock for tests: time moves only when told. */
export interface TestClock {
  now: () => number
  /** Moves time forward by `ms` milliseconds. */
  advance: (ms: number) => void
}

export const testClock = (start = 1_000): TestClock => {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
  }
}
