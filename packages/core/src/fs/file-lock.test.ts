import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { FileLocks } from './file-lock.js'
import { fsStore } from './fs-store.js'
import { currentOwner, type LockOwner } from './lock-owner.js'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const worker = (name: string) => fileURLToPath(new URL(`./test-workers/${name}`, import.meta.url))
const text = new TextDecoder()

const roots: string[] = []
const children: ChildProcess[] = []
const fresh = () => {
  const root = mkdtempSync(join(tmpdir(), 's3verless-fs-lock-'))
  roots.push(root)
  return root
}
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
})

/** Starts a test worker as its own OS process (TypeScript through tsx). */
function start(name: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker(name), ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.push(child)
  let out = ''
  child.stdout?.on('data', (chunk) => {
    out += String(chunk)
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  /** Resolves with everything printed so far once the output contains `marker`. */
  const waitFor = (marker: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (out.includes(marker)) resolve(out)
        else if (child.exitCode !== null) reject(new Error(`worker ${name} exited (${child.exitCode}) before "${marker}": ${out}`))
        else setTimeout(check, 10)
      }
      check()
    })
  return { child, waitFor, exited }
}

/** Sets the times of everything under `dir` an hour back, as if it had been there that long. */
function age(dir: string) {
  const old = new Date(Date.now() - 3_600_000)
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) utimesSync(join(dir, entry), old, old)
}

/** Locks on `keys` left behind by a writer process that was killed while holding them, an hour ago. */
async function crashedHolder(root: string, keys: string[]) {
  await fsStore({ root }).put('.init', '')
  const holder = start('hold-locks.ts', [root, ...keys])
  await holder.waitFor('held')
  holder.child.kill('SIGKILL')
  await holder.exited
  age(join(root, 'locks'))
}

const ROUNDS = 200
const raceKeys = Array.from({ length: ROUNDS }, (_, i) => `race/${i}`)

async function seedRace(root: string) {
  const store = fsStore({ root, durable: false })
  for (const key of raceKeys) await store.put(key, 'v0')
  await crashedHolder(root, raceKeys)
}

/** Rounds in which more than one compare-and-swap on the same etag succeeded. */
const doubleWins = (wins: string[]) => {
  const count = new Map<string, number>()
  for (const key of wins) count.set(key, (count.get(key) ?? 0) + 1)
  return { violations: [...count.values()].filter((n) => n > 1).length, decided: count.size }
}

describe('fsStore lock files', () => {
  it(`breaks a crashed writer's lock once, never a fresh one: ${ROUNDS} rounds of 8 stores racing one compare-and-swap`, async () => {
    const root = fresh()
    await seedRace(root)
    const stores = Array.from({ length: 8 }, () => fsStore({ root, durable: false }))
    const etags = await Promise.all(raceKeys.map(async (key) => (await stores[0]?.get(key))?.etag as string))
    const wins: string[] = []
    // Spread the racers out a little (a fixed pattern of event-loop turns), so that they meet the stale
    // lock at different moments: some while it is stale, some right after another racer replaced it.
    const pause = async (turns: number) => {
      for (let t = 0; t < turns; t++) await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(
      raceKeys.flatMap((key, i) =>
        stores.map(
          async (store, s) =>
            (await pause((i * 7 + s * 3) % 8)) ??
            store.put(key, `store ${s}`, { ifMatch: etags[i] as string }).then(
              () => wins.push(key),
              () => undefined,
            ),
        ),
      ),
    )
    expect(doubleWins(wins)).toEqual({ violations: 0, decided: ROUNDS })
  }, 60_000)

  it(`breaks a crashed writer's lock once across 4 OS processes (2 stores each), ${ROUNDS} rounds`, async () => {
    const root = fresh()
    await seedRace(root)
    const racers = Array.from({ length: 4 }, () => start('cas-race.ts', [root, '2', String(ROUNDS)]))
    await Promise.all(racers.map((r) => r.waitFor('ready')))
    const startAt = Date.now() + 100
    for (const r of racers) r.child.stdin?.write(`${startAt}\n`)
    const outputs = await Promise.all(racers.map((r) => r.exited.then(() => r.waitFor('wins'))))
    const wins = outputs.flatMap((o) => (JSON.parse(o.slice(o.indexOf('{'))) as { wins: string[] }).wins)
    expect(doubleWins(wins)).toEqual({ violations: 0, decided: ROUNDS })
    // Each key holds the body of its one winner.
    const store = fsStore({ root })
    for (const key of raceKeys.slice(0, 5)) expect(text.decode((await store.get(key))?.body)).toMatch(/^pid \d+ store \d$/)
  }, 60_000)

  it('lets a write proceed at once after a crashed writer left its lock', async () => {
    const root = fresh()
    const store = fsStore({ root, durable: false })
    await store.put('k', 'v1')
    await crashedHolder(root, ['k'])
    await store.put('k', 'v2')
    expect(text.decode((await store.get('k'))?.body)).toBe('v2')
    expect(readdirSync(join(root, 'locks'))).toEqual([])
  }, 30_000)

  it('never breaks the lock of a live writer, however long it has held it', async () => {
    const root = fresh()
    const store = fsStore({ root, durable: false })
    await store.put('k', 'v1')
    const holder = start('hold-locks.ts', [root, 'k'])
    await holder.waitFor('held')
    age(join(root, 'locks')) // as if held for an hour: far past any staleness threshold
    let settled = false
    const writing = store.put('k', 'v2').finally(() => {
      settled = true
    })
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(settled).toBe(false)
    holder.child.stdin?.write('release\n')
    await holder.waitFor('released')
    await writing
    expect(text.decode((await store.get('k'))?.body)).toBe('v2')
  }, 30_000)
})

describe('FileLocks: whose lock may be broken', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  /** A lock on `key` held by `owner`, planted as a holder would leave it; returns its token file. */
  function plant(root: string, key: string, owner: LockOwner) {
    const dir = join(root, 'locks', createHash('sha256').update(key).digest('hex'))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'planted-token'), JSON.stringify(owner))
    return join(dir, 'planted-token')
  }
  const locksIn = (root: string, staleMs?: number) =>
    new FileLocks(join(root, 'locks'), join(root, 'tmp'), staleMs === undefined ? {} : { staleMs })
  /** Whether `locks.run(key)` gets the lock within `ms`. */
  const getsLockWithin = (locks: FileLocks, key: string, ms: number) =>
    Promise.race([locks.run(key, async () => true), sleep(ms).then(() => false)])

  it('breaks at once the lock of a process that had this pid before (another start time)', async () => {
    const root = fresh()
    mkdirSync(join(root, 'tmp'), { recursive: true })
    plant(root, 'k', { ...currentOwner(), start: 'an earlier process' })
    expect(await getsLockWithin(locksIn(root), 'k', 1_000)).toBe(true)
  })

  it('judges a holder on another machine by its heartbeat: kept while fresh, broken once stale', async () => {
    const root = fresh()
    mkdirSync(join(root, 'tmp'), { recursive: true })
    const token = plant(root, 'k', { host: 'another-machine', pid: process.pid })
    const planted = statSync(token).mtimeMs
    const gotAt = await locksIn(root, 300).run('k', async () => Date.now())
    expect(gotAt - planted).toBeGreaterThanOrEqual(300) // kept while its heartbeat was fresh
    expect(readdirSync(join(root, 'locks'))).toEqual([])
    expect(() => statSync(token)).toThrow()
  })

  it('keeps the heartbeat of a lock held longer than the stale age fresh', async () => {
    const root = fresh()
    mkdirSync(join(root, 'tmp'), { recursive: true })
    const locks = locksIn(root, 400)
    await locks.run('k', async () => {
      const [dir] = readdirSync(join(root, 'locks'))
      const [token] = readdirSync(join(root, 'locks', dir as string))
      const file = join(root, 'locks', dir as string, token as string)
      for (let i = 0; i < 6; i++) {
        await sleep(200)
        expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(400)
      }
    })
  })
})

describe('fsStore data folder', () => {
  it('refuses a folder written by an earlier fsStore layout, naming it', async () => {
    const root = fresh()
    mkdirSync(join(root, 'objects'), { recursive: true })
    writeFileSync(join(root, 'objects', 'Users.o'), '{"old":true}') // no header, capitals unescaped
    const err = await fsStore({ root })
      .get('Users')
      .catch((e) => e)
    expect(err.code).toBe('settings.invalid')
    expect(err.message).toContain(root)
  })
})
