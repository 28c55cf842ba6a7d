/**
 * A separate OS process for the fsStore lock tests: opens `instances` stores on the data folder
 * `root`, reads the etag of each key `race/<i>` (i < rounds), prints `ready` and reads a wall-clock
 * time `startAt` (ms) on stdin. Round i starts at `startAt + 3 * i`, the same moment in every racing
 * process: each store then
 * compare-and-swaps key `race/<i>` against the etag it read, a few event-loop turns apart (a fixed
 * pattern), so that racers meet the lock at slightly different moments. Prints the keys won, as JSON.
 * Usage: node --import tsx cas-race.ts <root> <instances> <rounds>, then `<startAt>\n` on stdin
 */
import { fsStore } from '../fs-store.js'

const [root, instances, rounds] = process.argv.slice(2)
if (!root || !instances || !rounds) throw new Error('usage: cas-race.ts <root> <instances> <rounds>')

const stores = Array.from({ length: Number(instances) }, () => fsStore({ root, durable: false }))
const keys = Array.from({ length: Number(rounds) }, (_, i) => `race/${i}`)
const etags = await Promise.all(keys.map(async (key) => (await stores[0]?.get(key))?.etag as string))
process.stdout.write('ready\n')
const startAt = await new Promise<number>((resolve) => process.stdin.once('data', (chunk) => resolve(Number(String(chunk)))))
process.stdin.pause()
const until = (time: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())))
const turns = async (n: number) => {
  for (let t = 0; t < n; t++) await new Promise((resolve) => setImmediate(resolve))
}
const wins: string[] = []
await Promise.all(
  keys.map(async (key, i) => {
    await until(startAt + 3 * i)
    await Promise.all(
      stores.map(async (store, s) => {
        await turns((i * 7 + s * 3 + process.pid) % 8)
        await store.put(key, `pid ${process.pid} store ${s}`, { ifMatch: etags[i] as string }).then(
          () => wins.push(key),
          () => undefined,
        )
      }),
    )
  }),
)
process.stdout.write(`${JSON.stringify({ wins })}\n`)
