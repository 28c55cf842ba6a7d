import type { ObjectStore } from '../../src/index.js'

// Timer stretch: how late this process ran its timers while a schedule ran.
//
// The write protocol is correct only while a request stays in flight well under half the lease
// (README, "Leases and clocks"). The checkers inject latency, late requests and stalls with timers
// (`setTimeout` in `instrumentStore` and the schedules); on a loaded machine every timer fires late,
// so a request meant to take 3 ms can take 80, and a schedule can cross the lease where its seed never
// meant it to. Such a schedule ran with invalid settings: it says nothing about the protocol, so the
// runner measures each schedule's stretch and re-runs the stretched ones instead of judging them.

/** Samples the event loop while at least one window is open; a window reports the worst lateness it saw. */
export interface StretchMonitor {
  /** Opens a window; the returned function closes it and gives the worst timer lateness (ms) seen while it was open. */
  open(): () => number
}

/**
 * A monitor that keeps one timer due every `tickMs` while a window is open and records how late it
 * fired. A busy event loop, a descheduled process or a flood of due timers all delay it as they
 * delay the schedule's own timers. Timers it needs are unref'd, and it stops with the last window.
 */
export function stretchMonitor(tickMs = 5): StretchMonitor {
  const open = new Set<{ worst: number }>()
  let due = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const record = (now: number) => {
    const late = Math.max(0, now - due)
    for (const w of open) if (late > w.worst) w.worst = late
  }
  const tick = () => {
    const now = performance.now()
    record(now)
    due = now + tickMs
    timer = setTimeout(tick, tickMs)
    timer.unref?.()
  }
  return {
    open() {
      const window = { worst: 0 }
      if (open.size === 0) {
        due = performance.now()
        tick()
      }
      open.add(window)
      return () => {
        record(performance.now()) // a stretch still under way when the window closes counts too
        open.delete(window)
        if (open.size === 0 && timer !== undefined) clearTimeout(timer)
        return window.worst
      }
    },
  }
}

/**
 * `inner`, with one turn of the event loop (`setImmediate`) before each request. Without latency a
 * memory store answers in microtasks, so a schedule's setup or final check would hold the event
 * loop for its whole length and stretch the timers of every schedule running beside it; with it,
 * timers run between its requests.
 */
export function yielding(inner: ObjectStore): ObjectStore {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
  const after =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await turn()
      return call(...args)
    }
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    get: after((key: string, opts?: Parameters<ObjectStore['get']>[1]) => inner.get(key, opts ?? {})) as ObjectStore['get'],
    put: after(inner.put.bind(inner)),
    delete: after(inner.delete.bind(inner)),
    deleteMany: after(inner.deleteMany.bind(inner)),
    list: after(inner.list.bind(inner)),
  }
}

/** The one monitor of this process: parallel schedules share its timer (a stretch delays them all alike). */
export const processStretch = stretchMonitor()
