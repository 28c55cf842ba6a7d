// Makes an admin user in the demo's store: `npm run create-admin --prefix examples/shop -- <username> <email>`.
// The password is read from ADMIN_PASSWORD or asked for (not echoed on a terminal).
import { createInterface } from 'node:readline/promises'
import { S3AuthService, User } from '@s3verless/auth'
import { createDatabase } from '@s3verless/core'
import { models } from './models.js'
import { nodeRuntime } from './node-setup.js'

async function askPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  const output = rl as unknown as { _writeToOutput?: (s: string) => void }
  const question = rl.question('Password: ')
  output._writeToOutput = () => {}
  const answer = await question
  rl.close()
  process.stdout.write('\n')
  return answer
}

const [username, email] = process.argv.slice(2).filter((a) => a !== '--')
if (!username || !email) {
  console.error('usage: npm run create-admin --prefix examples/shop -- <username> <email>')
  process.exit(2)
}
const { settings, store, where } = nodeRuntime()
const database = createDatabase({ store, models: [...models, User], basePath: settings.s3BasePath })
const auth = new S3AuthService({ database, settings })
try {
  const user = await auth.createUser({ username, email, password: await askPassword(), isAdmin: true })
  console.log(`Admin ${user.username} created in ${where}. Sign in at /admin.`)
} catch (error) {
  console.error(`Could not create the admin: ${(error as Error).message}`)
  process.exit(1)
}
