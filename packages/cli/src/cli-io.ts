/** Somewhere the CLI writes text: `process.stdout`, or a collector in tests. */
export interface CliOutput {
  write(text: string): unknown
}

/** What {@link runCli} reads and writes: the streams and environment, injected so tests need no process. */
export interface CliIo {
  stdout: CliOutput
  stderr: CliOutput
  /** Environment variables (settings such as `AWS_BUCKET_NAME`, `S3VERLESS_DATA_DIR`). */
  env: Record<string, string | undefined>
  /** Where passwords are read from (`create-admin`): `process.stdin`; absent means nothing can be read. */
  stdin?: CliInput
}

/** Something the CLI reads text from: `process.stdin`, or a stream in tests. */
export interface CliInput extends AsyncIterable<string | Uint8Array> {
  /** True on a terminal (then `create-admin` prompts, without echo). */
  isTTY?: boolean
}

/** A mistake in how the command was called: reported with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
