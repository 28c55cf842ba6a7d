import type { MigrationProgress } from '@s3verless/migrations'
import cliProgress from 'cli-progress'
import type { CliOutput } from './cli-io.js'

/** Where a pass over a model's records is: a migration's progress, or another command's (`versions` optional). */
export type PassProgress = Omit<MigrationProgress, 'phase' | 'versions'> & { phase: string; versions?: readonly string[] }

/** A bar on `stream` labelled `label`, counting records (cli-progress; a line every few seconds when not a terminal). */
function recordBar(stream: CliOutput, label: string, done: number, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${label.padEnd(28)} [{bar}] {value}/{total} records`,
      noTTYOutput: true, // piped or in CI: a line every few seconds, and the final count
      notTTYSchedule: 5_000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, done)
  return bar
}

/** A progress bar for one pass over a model's records (`reindex Product`): `update(done, total)`, then `stop()`. */
export function countBar(stream: CliOutput, label: string): { update(done: number, total: number): void; stop(): void } {
  let bar: cliProgress.SingleBar | undefined
  return {
    update(done, total) {
      bar ??= recordBar(stream, label, done, total)
      bar.setTotal(total)
      bar.update(done)
    },
    stop() {
      bar?.stop()
      bar = undefined
    },
  }
}

/** A progress bar (cli-progress) on `stream`, one per pass over a model's records. */
export function progressBar(stream: CliOutput): { update(progress: PassProgress): void; stop(): void } {
  let bar: cliProgress.SingleBar | undefined
  let current = ''
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  return {
    update(progress) {
      const pass = `${progress.phase} ${progress.modelName}${progress.versions?.length ? ` (${progress.versions.join(', ')})` : ''}`
      if (pass !== current || !bar) {
        stop()
        current = pass
        bar = recordBar(stream, pass, progress.done, progress.total)
      }
      bar.setTotal(progress.total)
      bar.update(progress.done)
    },
    stop,
  }
}
