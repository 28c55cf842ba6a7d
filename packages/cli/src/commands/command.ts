import type { CliIo } from '../cli-io.js'

/** One `s3verless` subcommand. */
export interface Command {
  name: string
  /** One line for the command list in `--help`. */
  summary: string
  /** The full usage text shown by `s3verless <command> --help` and after a usage error. */
  usage: string
  /** Runs the command with the arguments after its name; resolves the exit code. Throws `UsageError` for bad arguments. */
  run(args: string[], io: CliIo): Promise<number>
}
