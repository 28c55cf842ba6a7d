import { parseArgs } from 'node:util'
import { loadSettings } from '@s3verless/core'
import { appModels, openDatabase } from '../app-models.js'
import { UsageError } from '../cli-io.js'
import { MODELS_OPTION } from '../load-models.js'
import { DATA_OPTION, openStore, STORE_USAGE } from '../open-store.js'
import { readPassword } from '../read-password.js'
import type { Command } from './command.js'

/**
 * `s3verless create-admin <username> <email>`: makes an admin user in the store, with a password
 * read from stdin (`--password-stdin`) or asked on the terminal; never a default. A password the
 * policy refuses (empty, short, no letter or digit) is refused with the rules it breaks.
 */
export const createAdminCommand: Command = {
  name: 'create-admin',
  summary: 'Create an admin user (password from --password-stdin or a prompt)',
  usage: `Usage: s3verless create-admin <username> <email> [--password-stdin] [--json] [--data DIR]

Creates an admin user (isAdmin) who can sign in to the API and the admin UI. The
password is asked for on the terminal (not echoed), or read from stdin with
--password-stdin; there is no default. It must have 8+ characters, a letter and
a digit (the default policy).

Options:
  --password-stdin   Read the password from stdin (e.g. printf '%s' "$PW" | …)
  --models <module>  Your models (or S3VERLESS_MODELS), when users relate to them
  --json             Print the new user (id, username, email) as JSON
  --data DIR         Use the file-system store in DIR (made if missing)
  -h, --help         Show this help

${STORE_USAGE}`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...MODELS_OPTION, ...DATA_OPTION, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
    const [username, email, ...extra] = positionals
    if (!username || !email || extra.length) throw new UsageError('expected <username> <email>')
    const models = await appModels(values.models ?? io.env.S3VERLESS_MODELS)
    const password = await readPassword(io, values['password-stdin'] ?? false)
    if (password === '') throw new Error('the password is empty: an admin needs a password (8+ characters with a letter and a digit)')
    const settings = loadSettings(io.env)
    const { store, description, close } = await openStore(settings, io.env, { dataDir: values.data, create: true })
    try {
      const { S3AuthService } = await import('@s3verless/auth')
      const auth = new S3AuthService({ database: openDatabase(store, settings, models), settings })
      const user = await auth.createUser({ username, email, password, isAdmin: true })
      if (values.json) io.stdout.write(`${JSON.stringify({ id: user.id, username: user.username, email: user.email, isAdmin: true })}\n`)
      else io.stdout.write(`Admin ${user.username} (${user.email}) created in ${description}. Sign in at /admin.\n`)
      return 0
    } finally {
      close()
    }
  },
}
