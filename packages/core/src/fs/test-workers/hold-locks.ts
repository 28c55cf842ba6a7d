/**
 * A separate OS process for the fsStore lock tests: takes the lock of each key named on the command
 * line in the data folder `root`, prints `held`, and keeps every lock until it reads `release` on
 * stdin (then prints `released` and exits), or until it is killed (a crashed writer).
 * Usage: node --import tsx hold-locks.ts <root> <key>...
 */
import { join } from 'node:path'
import { FileLocks } from '../file-lock.js'

const [root, ...keys] = process.argv.slice(2)
if (!root || keys.length === 0) throw new Error('usage: hold-locks.ts <root> <key>...')

const locks = new FileLocks(join(root, 'locks'), join(root, 'tmp'))
let release!: () => void
const released = new Promise<void>((resolve) => {
  release = resolve
})
const acquired = keys.map(
  (key) =>
    new Promise<void>((onHeld) => {
      void locks.run(key, () => {
        onHeld()
        return released
      })
    }),
)
await Promise.all(acquired)
process.stdout.write('held\n')
process.stdin.on('data', (chunk) => {
  if (String(chunk).includes('release')) release()
})
await released
// Let every lock's release finish before saying so.
await new Promise((resolve) => setTimeout(resolve, 50))
process.stdout.write('released\n')
process.exit(0)
