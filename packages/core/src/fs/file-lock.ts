import { createHash, randomUUID } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'
import { currentOwner, isOwnerGone, parseOwner } from './lock-owner.js'

/** A lock whose holder this process cannot check is broken once its heartbeat is this old (10 s). */
export const STALE_LOCK_MS = 10_000

/** How often a waiting writer checks whether the lock's holder is gone (reading its record costs a few calls). */
const CHECK_EVERY_MS = 200

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const isCode = (error: unknown, ...codes: string[]) => codes.includes((error as NodeJS.ErrnoException)?.code ?? '')
/** What `rename` answers when the lock folder is already there and holds a token (Windows: EPERM). */
const HELD = process.platform === 'win32' ? ['EEXIST', 'ENOTEMPTY', 'EPERM'] : ['EEXIST', 'ENOTEMPTY']

/** Options for {@link FileLocks} (the defaults are what fsStore uses). */
export interface FileLocksOptions {
  /** Age of the heartbeat after which a holder this process cannot check is taken to be gone (10 s). */
  staleMs?: number
}

/**
 * Per-key locks shared by every process using one data folder.
 *
 * A held lock is a folder `locks/<sha256 of key>` holding one file, named by a token unique to this
 * acquisition. It comes into being whole: the folder is prepared under `tmp/` and renamed into
 * place, and `rename` of a folder onto one that holds a file fails, so exactly one of many racers
 * gets it. The holder lets go by deleting its token file, then the folder (a folder left empty is
 * free: the next `rename` replaces it).
 *
 * The token file is a hard link to this instance's owner file (`tmp/<id>.owner`), which records the
 * holder ({@link LockOwner}) and whose time is the heartbeat, refreshed every `staleMs / 4` while
 * the instance holds a lock.
 *
 * Breaking the lock of a holder that is gone ({@link isOwnerGone}) deletes that holder's token file
 * by its name, which only ever removes the lock that was judged: if it has been broken or let go
 * meanwhile and another writer holds a new lock, the new lock's token has another name. So two
 * breakers of one lock, or a breaker and a fresh holder, never both end up holding it.
 */
export class FileLocks {
  private readonly staleMs: number
  private readonly ownerPath: string
  private ownerTouched = 0
  /** Token files of the locks this instance holds, whose heartbeat it keeps. */
  private readonly held = new Set<string>()
  private heartbeat: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
    options: FileLocksOptions = {},
  ) {
    this.staleMs = options.staleMs ?? STALE_LOCK_MS
    this.ownerPath = join(tmpDir, `${randomUUID()}.owner`)
  }

  /** Runs `work` while holding the lock of `key`, waiting for it as long as its holder runs. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const path = join(this.dir, createHash('sha256').update(key).digest('hex'))
    const token = randomUUID()
    await this.acquire(path, token)
    const tokenFile = join(path, token)
    this.held.add(tokenFile)
    if (this.held.size === 1) {
      this.heartbeat = setInterval(() => this.beat(), this.staleMs / 4)
      this.heartbeat.unref()
    }
    try {
      return await work()
    } finally {
      this.held.delete(tokenFile)
      if (this.held.size === 0) clearInterval(this.heartbeat)
      await fsp.unlink(tokenFile).catch(() => undefined)
      await fsp.rmdir(path).catch(() => undefined)
    }
  }

  private beat(): void {
    const now = new Date()
    for (const file of this.held) fsp.utimes(file, now, now).catch(() => undefined)
  }

  /** This instance's owner file, its time refreshed when due (and recreated if it was swept away). */
  private async ownerFile(recreate = false): Promise<string> {
    const now = Date.now()
    if (!recreate && now - this.ownerTouched < this.staleMs / 4) return this.ownerPath
    const time = new Date(now)
    await fsp.utimes(this.ownerPath, time, time).catch(async (error) => {
      if (!isCode(error, 'ENOENT')) throw error
      await fsp.writeFile(this.ownerPath, JSON.stringify(currentOwner()))
    })
    this.ownerTouched = now
    return this.ownerPath
  }

  /** Breaks every lock in the folder whose holder is gone (run when a store opens the folder). */
  async sweep(): Promise<void> {
    const names = await fsp.readdir(this.dir).catch(() => [] as string[])
    for (const name of names) await this.breakIfGone(join(this.dir, name)).catch(() => undefined)
  }

  private async acquire(path: string, token: string): Promise<void> {
    const prepared = join(this.tmpDir, `${token}.lock`)
    const prepare = async () => {
      await fsp.mkdir(prepared, { recursive: true })
      await fsp.link(await this.ownerFile(), join(prepared, token)).catch(async (error) => {
        if (isCode(error, 'EEXIST')) return // prepared before (the lock folder's parent was missing)
        if (!isCode(error, 'ENOENT')) throw error
        await fsp.link(await this.ownerFile(true), join(prepared, token)) // the owner file was swept
      })
    }
    await prepare()
    let checked = 0 // when the holder was last checked: at the first refusal, then every CHECK_EVERY_MS
    for (let attempt = 0, missing = 0; ; attempt++) {
      try {
        await fsp.rename(prepared, path)
        return
      } catch (error) {
        if (isCode(error, 'ENOENT') && missing++ < 5) {
          // The prepared folder was swept away after a very long wait, or the locks folder is gone.
          await fsp.mkdir(this.dir, { recursive: true })
          await prepare()
          continue
        }
        if (!isCode(error, ...HELD)) {
          await fsp.rm(prepared, { recursive: true, force: true })
          throw error
        }
      }
      if (Date.now() - checked >= CHECK_EVERY_MS) {
        checked = Date.now()
        if (await this.breakIfGone(path)) continue
      }
      await sleep(Math.min(50, 1 + attempt) * Math.random())
    }
  }

  /** Breaks the lock at `path` if its holder is gone. True when the lock may now be free. */
  private async breakIfGone(path: string): Promise<boolean> {
    let names: string[]
    try {
      names = await fsp.readdir(path)
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return isCode(error, 'ENOENT')
      throw error
    }
    const token = names[0]
    // An empty folder is a lock let go (or its holder died letting go): `rmdir` removes only that.
    if (token === undefined)
      return fsp.rmdir(path).then(
        () => true,
        () => true,
      )
    const tokenFile = join(path, token)
    let record: string
    let heartbeat: number
    try {
      ;[record, heartbeat] = await Promise.all([fsp.readFile(tokenFile, 'utf8'), fsp.stat(tokenFile).then((s) => s.mtimeMs)])
    } catch (error) {
      if (isCode(error, 'ENOENT')) return true // let go meanwhile
      throw error
    }
    if (!(await isOwnerGone(parseOwner(record), Date.now() - heartbeat, this.staleMs))) return false
    try {
      await fsp.unlink(tokenFile) // removes this holder's lock, never another's
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error
    }
    await fsp.rmdir(path).catch(() => undefined)
    return true
  }
}
