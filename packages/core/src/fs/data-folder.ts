import { randomUUID } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'

/** Temporary files and folders older than this were left by a crash; opening a store sweeps them (15 min). */
export const TMP_MAX_AGE_MS = 15 * 60_000

/**
 * Removes what crashed writers left in `tmp/`: files and folders last changed more than `maxAgeMs`
 * ago. A folder (a lock being prepared) is first renamed to a name of its own, so that a writer
 * still using it finds it gone rather than half emptied.
 */
export async function sweepTmp(tmpDir: string, maxAgeMs = TMP_MAX_AGE_MS): Promise<void> {
  const names = await fsp.readdir(tmpDir).catch(() => [] as string[])
  const cutoff = Date.now() - maxAgeMs
  for (const name of names) {
    const path = join(tmpDir, name)
    const stat = await fsp.lstat(path).catch(() => null)
    if (!stat || stat.mtimeMs > cutoff) continue
    if (!stat.isDirectory()) {
      await fsp.unlink(path).catch(() => undefined)
      continue
    }
    const claimed = join(tmpDir, `${randomUUID()}.sweep`)
    try {
      await fsp.rename(path, claimed)
    } catch {
      continue // taken into use, or swept by another store
    }
    await fsp.rm(claimed, { recursive: true, force: true })
  }
}
