import { promises as fsp, readFileSync, readlinkSync } from 'node:fs'
import { hostname } from 'node:os'

/**
 * Who holds a lock file: enough to tell, from another process, whether the holder is still running.
 * `boot` (the kernel's boot id) and `pidns` (the pid namespace) tell apart two boots of one machine
 * and two containers on it; `start` (the process's start time in clock ticks since boot) tells apart
 * two processes that had the same pid. All three come from `/proc` and are absent where there is none.
 */
export interface LockOwner {
  readonly host: string
  readonly boot?: string
  readonly pidns?: string
  readonly pid: number
  readonly start?: string
}

const tryRead = (read: () => string): string | undefined => {
  try {
    return read().trim()
  } catch {
    return undefined
  }
}

/** Fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses). */
const statFields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ')
/** `/proc/<pid>/stat` field 3 is the state, field 22 the start time: indexes 0 and 19 after the name. */
const STATE = 0
const START = 19

let me: LockOwner | undefined
/** This process, as recorded in the lock files it creates. */
export function currentOwner(): LockOwner {
  me ??= {
    host: hostname(),
    boot: tryRead(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidns: tryRead(() => readlinkSync('/proc/self/ns/pid')),
    pid: process.pid,
    start: tryRead(() => statFields(readFileSync('/proc/self/stat', 'utf8'))[START] as string),
  }
  return me
}

/** Reads an owner record; `undefined` for one that is unreadable (say, torn by a power loss). */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as LockOwner
    return typeof owner.host === 'string' && Number.isInteger(owner.pid) ? owner : undefined
  } catch {
    return undefined
  }
}

/** True when `pid` runs on this machine (a zombie, dead but not yet reaped, does not count). */
async function isRunning(pid: number, start: string | undefined): Promise<boolean> {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)
  if (stat === undefined) return true // no /proc here: the signal check is all there is
  const fields = statFields(stat)
  if (fields[STATE] === 'Z' || fields[STATE] === 'X') return false
  return start === undefined || fields[START] === start
}

/**
 * Whether the holder of a lock is gone, so that the lock may be broken.
 * - A holder on this machine (same host, boot and pid namespace) is gone exactly when its process
 *   no longer runs; a running holder keeps its lock however long it holds it.
 * - A holder this process cannot check (another machine or container, or an unreadable record) is
 *   judged by its heartbeat: the holder refreshes its lock file's time every `staleMs / 4`, and the
 *   lock is gone once that time is older than `staleMs`.
 */
export async function isOwnerGone(owner: LockOwner | undefined, heartbeatAgeMs: number, staleMs: number): Promise<boolean> {
  const self = currentOwner()
  if (owner && owner.host === self.host && owner.boot === self.boot && owner.pidns === self.pidns) {
    return !(await isRunning(owner.pid, owner.start))
  }
  return heartbeatAgeMs > staleMs
}
