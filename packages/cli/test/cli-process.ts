import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository root: where `tsx` resolves from. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

/** Node with TypeScript sources resolved from `src/` (what the workspace's packages use without a build). */
export const NODE_TS = ['--import', 'tsx', '--conditions=@s3verless/source'] as const

/** The outcome of the `s3verless` command run as its own process. */
export interface ProcessRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `s3verless <argv>` from source in a child process (as a user would run it) and collects its output. */
export function s3verless(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...NODE_TS, BIN, ...argv],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        if (code === null) reject(error)
        else resolve({ code, stdout, stderr })
      },
    )
  })
}
