export type { CliInput, CliIo, CliOutput } from './cli-io.js'
export { runCli } from './run-cli.js'
export { CLI_VERSION } from './version.js'
