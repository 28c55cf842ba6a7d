import { createInterface } from 'node:readline/promises'
import { type CliIo, UsageError } from './cli-io.js'

/** All of `input` as text, without the one line break a pipe or heredoc ends with. */
async function readAll(input: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** Asks for the password on a terminal without echoing it. */
async function prompt(io: CliIo): Promise<string> {
  const rl = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream, terminal: true })
  const muted = rl as unknown as { _writeToOutput?: (s: string) => void }
  const question = rl.question('Password: ')
  muted._writeToOutput = () => {}
  try {
    return await question
  } finally {
    rl.close()
    io.stderr.write('\n')
  }
}

/**
 * The new password: all of stdin with `--password-stdin`, else asked on the terminal. There is no
 * default and no environment variable (a password in the environment leaks into process listings).
 * @throws UsageError when stdin is not a terminal and `--password-stdin` was not given.
 */
export async function readPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (!io.stdin) throw new UsageError('no input to read the password from')
  if (fromStdin) return readAll(io.stdin)
  if (!io.stdin.isTTY) throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin')
  return prompt(io)
}
