import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The CLI's entry, run from source the way `npm run cli` does. */
export const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
/** Node's arguments that run TypeScript sources of the workspace. */
export const NODE_ARGS = ['--import', 'tsx', '--conditions=@s3verless/source']

/** The outcome of `s3verless …` run as its own process. */
export interface ProcessRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** What a process gets: only these variables (no AWS_* leaking in from the machine), the PATH, and a working directory. */
function processEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }
}

/** Spawns `node <bin> …args` with the workspace's source condition. */
export function spawnCli(args: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: processEnv(options.env ?? {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<ProcessRun> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/**
 * Runs `s3verless …args` as a process to its end, with `input` on its stdin (closed after; stdin
 * is a pipe, never a terminal), and resolves its exit code and output.
 */
export async function runBin(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {},
): Promise<ProcessRun> {
  const child = spawnCli(args, options)
  const done = finished(child)
  child.stdin?.end(options.input ?? '')
  return done
}

/**
 * Starts a long-running process (`serve`, a generated project's server) and resolves once it
 * prints an http URL on stdout, with that URL, the output so far and a way to stop it.
 */
export async function startServer(child: ChildProcess, timeoutMs = 60_000) {
  const run = finished(child)
  let stdout = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms; output so far: ${stdout}`)), timeoutMs)
    child.stdout?.on('data', (text: string) => {
      stdout += text
      const found = /http:\/\/[\d.]+:\d+/.exec(stdout)
      if (found) {
        clearTimeout(timer)
        resolve(found[0])
      }
    })
    run.then((r) => {
      clearTimeout(timer)
      reject(new Error(`exited (${r.code}) before serving: ${r.stderr}${r.stdout}`))
    }, reject)
  })
  return {
    url,
    /** Sends `signal` and resolves the whole run. */
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal)
      return run
    },
    run,
  }
}
