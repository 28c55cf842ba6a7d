import { isS3verlessError } from '@s3verless/core'
import { type CliIo, UsageError } from './cli-io.js'
import type { Command } from './commands/command.js'
import { createAdminCommand } from './commands/create-admin.js'
import { doctorCommand } from './commands/doctor.js'
import { initCommand } from './commands/init.js'
import { inspectCommand } from './commands/inspect.js'
import { listDataCommand } from './commands/list-data.js'
import { migrateCommand } from './commands/migrate.js'
import { reindexCommand } from './commands/reindex.js'
import { seedCommand } from './commands/seed.js'
import { serveCommand } from './commands/serve.js'
import { versionCommand } from './commands/version.js'
import { CLI_VERSION } from './version.js'

const COMMANDS: readonly Command[] = [
  initCommand,
  serveCommand,
  migrateCommand,
  reindexCommand,
  inspectCommand,
  doctorCommand,
  seedCommand,
  listDataCommand,
  createAdminCommand,
  versionCommand,
]

const HELP = `s3verless ${CLI_VERSION}: an S3 bucket as your application database

Usage: s3verless <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join('\n')}

Options:
  -h, --help     Show this help (or a command's, after its name)
  -v, --version  Print the version

The store, the same for every command: --data DIR (the file-system store in DIR);
otherwise S3 when AWS_BUCKET_NAME is set (AWS_REGION, AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); otherwise the data directory
S3VERLESS_DATA_DIR (default ./.s3verless-data). Keys live under S3_BASE_PATH
(default s3verless-data/). Commands that need your models take --models <module>
(or S3VERLESS_MODELS). Errors: one line on stderr, exit code 1 (2 for usage).
`

const NODE_USAGE_ERRORS = new Set([
  'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
])

const isUsageError = (error: unknown) =>
  error instanceof UsageError || NODE_USAGE_ERRORS.has(String((error as { code?: unknown } | null)?.code ?? ''))

const wantsHelp = (args: readonly string[]) => {
  const end = args.indexOf('--')
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help')
}

/**
 * Runs the `s3verless` command line with `argv` (the arguments after the program name) and
 * resolves its exit code: 0 on success, 1 when the command failed (bad settings, missing data
 * directory, store errors), 2 for a usage mistake (unknown command or option, bad value), with a
 * message on `stderr`. `--help` lists the commands; `--version` prints the package version.
 * Never throws for anything the user did; unexpected errors are reported with code 1.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined) {
    io.stderr.write(HELP)
    return 2
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    io.stdout.write(HELP)
    return 0
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${CLI_VERSION}\n`)
    return 0
  }
  const command = COMMANDS.find((c) => c.name === first)
  if (!command) {
    const what = first.startsWith('-') ? `Unknown option "${first}"` : `Unknown command "${first}"`
    io.stderr.write(`s3verless: ${what}. Run "s3verless --help" to see the commands.\n`)
    return 2
  }
  if (wantsHelp(rest)) {
    io.stdout.write(`${command.usage}\n`)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr.write(`s3verless ${command.name}: ${(error as Error).message}\n\n${command.usage}\n`)
      return 2
    }
    const message = error instanceof Error ? error.message : String(error)
    const code = isS3verlessError(error) ? ` [${error.code}]` : ''
    io.stderr.write(`s3verless ${command.name}: ${message}${code}\n`)
    return 1
  }
}
