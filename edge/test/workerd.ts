import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The workerd binary installed from npm (the `workerd` package, a devDependency of edge/). */
export const WORKERD = fileURLToPath(new URL('../node_modules/.bin/workerd', import.meta.url))

/**
 * Bundles a worker entry for workerd as wrangler does (ESM, the `workerd`/`worker`/`browser`
 * conditions, no Node built-ins), from the workspace sources. `alias` swaps modules (vitest →
 * the mini runner for the conformance suite).
 */
export async function bundleWorker(entry: string, alias: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['@s3verless/source', 'workerd', 'worker', 'browser'],
    alias,
    logLevel: 'error',
  })
  return result.outputFiles[0]?.text ?? ''
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A running workerd serving one worker. */
export interface RunningWorker {
  url: string
  /** What workerd printed (the worker's console and workerd's own errors). */
  output(): string
  stop(): Promise<void>
}

const capnpString = (value: string) => JSON.stringify(value)

/**
 * Serves `code` (an ES module) with workerd on a free loopback port. Text bindings become the
 * worker's `env`; outbound `fetch` may reach loopback addresses (where the test's Ceph RGW is).
 * No compatibility flags: in particular no `nodejs_compat`, so any Node built-in would fail.
 */
export async function startWorkerd(
  code: string,
  bindings: Record<string, string>,
  compatibilityDate = '2025-09-01',
): Promise<RunningWorker> {
  const dir = mkdtempSync(join(tmpdir(), 's3verless-workerd-'))
  writeFileSync(join(dir, 'worker.js'), code)
  const port = await freePort()
  const bindingList = Object.entries(bindings)
    .map(([name, value]) => `(name = ${capnpString(name)}, text = ${capnpString(value)})`)
    .join(', ')
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${compatibilityDate}",
  bindings = [${bindingList}],
  globalOutbound = "internet",
);
`,
  )
  let output = ''
  const child: ChildProcess = spawn(WORKERD, ['serve', join(dir, 'config.capnp'), '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`workerd exited (${child.exitCode}) before serving:\n${output}`)
    }
    try {
      await fetch(`${url}/__ready`, { method: 'HEAD' })
      break
    } catch {
      if (i > 200) {
        await stop()
        throw new Error(`workerd did not answer on ${url} within 20 s:\n${output}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { url, output: () => output, stop }
}
