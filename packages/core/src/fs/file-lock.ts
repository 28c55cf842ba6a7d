import { createHash } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'

/** A lock file older than this is taken to be left by a crashed process and removed (10 s). */
export const STALE_LOCK_MS = 10_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Per-key locks shared by every process using one data folder: a lock is a file created with
 * `O_EXCL` (only one creator can succeed), removed when the work is done. A lock file older than
 * {@link STALE_LOCK_MS} belongs to a crashed process and is broken.
 */
export class FileLocks {
  constructor(private readonly dir: string) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const path = join(this.dir, `${createHash('sha256').update(key).digest('hex')}.lock`)
    for (let attempt = 0; ; attempt++) {
      try {
        await (await fsp.open(path, 'wx')).close()
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        const stat = await fsp.stat(path).catch(() => null)
        if (stat && Date.now() - stat.mtimeMs > STALE_LOCK_MS) await fsp.unlink(path).catch(() => undefined)
        else await sleep(Math.min(50, 1 + attempt) * Math.random())
      }
    }
    try {
      return await work()
    } finally {
      await fsp.unlink(path).catch(() => undefined)
    }
  }
}
