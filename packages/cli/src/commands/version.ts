import { parseArgs } from 'node:util'
import { CLI_VERSION } from '../version.js'
import type { Command } from './command.js'

/** `s3verless version [--json]`: the CLI's version, and with `--json` the Node version and platform too. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version of s3verless (--json: with Node and platform)',
  usage: `Usage: s3verless version [--json]

Prints the version of the s3verless command (the same as s3verless --version).

Options:
  --json      Print {"version", "node", "platform"} as JSON
  -h, --help  Show this help`,

  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: false, strict: true })
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ version: CLI_VERSION, node: process.versions.node, platform: `${process.platform}-${process.arch}` })}\n`,
      )
    } else io.stdout.write(`${CLI_VERSION}\n`)
    return 0
  },
}
