import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fsStore } from '@s3verless/core/fs'
import { runCli } from '../src/run-cli.js'

/** The outcome of one `runCli` call, with everything it printed. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI in-process with the given environment, capturing its output. */
export async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  })
  return { code, stdout, stderr }
}

/** A fresh data directory holding `keys` (written through the file-system store), and its cleanup. */
export async function dataDir(keys: readonly string[]): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 's3verless-cli-'))
  const store = fsStore({ root, durable: false })
  for (const key of keys) await store.put(key, '{}')
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) }
}
