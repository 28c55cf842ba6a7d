// Loaded into the demo server only by the load test (`node --expose-gc --import <this file>`), never by
// `npm start`: it adds no route, and answers the parent's `memory` messages over the IPC channel with
// the process's memory after a full collection (live heap, not garbage waiting to be collected) and
// how many requests it has sent to S3 so far (it counts the calls of `fetch`, which the store's S3
// client uses). Without an IPC channel (a normal start) it does nothing.

/** What the probe answers. */
export interface MemorySample {
  type: 'memory'
  /** ms since the probe loaded. */
  at: number
  rss: number
  heapUsed: number
  external: number
  /** Calls of `fetch` since the probe loaded: the server's requests to S3. */
  fetches: number
}

const started = Date.now()
const gc = (globalThis as { gc?: () => void }).gc

if (process.send) {
  let fetches = 0
  const fetch = globalThis.fetch
  globalThis.fetch = (...args: Parameters<typeof fetch>) => {
    fetches++
    return fetch(...args)
  }
  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type !== 'memory') return
    gc?.()
    const usage = process.memoryUsage()
    const sample: MemorySample = {
      type: 'memory',
      at: Date.now() - started,
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      external: usage.external,
      fetches,
    }
    process.send?.(sample)
  })
  // The channel must not keep a server that was told to stop alive.
  process.channel?.unref()
}
