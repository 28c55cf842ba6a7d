import { S3AuthService } from '@s3verless/auth'
import { createSettings } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cli, dataDir } from './cli-harness.js'
import { runBin } from './process-harness.js'

let cleanup: (() => Promise<void>) | undefined
afterEach(() => cleanup?.())

async function freshDir() {
  const dir = await dataDir([])
  cleanup = dir.cleanup
  return dir.root
}

describe('s3verless create-admin (as a process)', { timeout: 180_000 }, () => {
  it('makes an admin who can sign in, with the password from --password-stdin', async () => {
    const root = await freshDir()
    const run = await runBin(['create-admin', 'alice', 'alice@example.com', '--password-stdin', '--data', root], {
      input: 'correct-horse-7\n',
    })
    expect(run).toEqual({
      code: 0,
      signal: null,
      stdout: `Admin alice (alice@example.com) created in data directory ${root}. Sign in at /admin.\n`,
      stderr: '',
    })
    const auth = new S3AuthService({ store: fsStore({ root }), settings: createSettings({ secretKey: 'x'.repeat(32) }) })
    const user = await auth.authenticateUser('alice', 'correct-horse-7')
    expect(user).toMatchObject({ username: 'alice', isAdmin: true })
    expect(await auth.authenticateUser('alice', 'correct-horse-7\n')).toBeNull() // the line break of the pipe is not part of it

    const json = await runBin(['create-admin', 'bob', 'bob@example.com', '--password-stdin', '--data', root, '--json'], {
      input: 'battery-staple-9',
    })
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ username: 'bob', email: 'bob@example.com', isAdmin: true, id: expect.any(String) })

    const again = await runBin(['create-admin', 'ALICE', 'other@example.com', '--password-stdin', '--data', root], {
      input: 'correct-horse-8',
    })
    expect(again.code).toBe(1)
    expect(again.stderr).toBe('s3verless create-admin: Username "ALICE" is already taken [auth.userExists]\n')
  })

  it('refuses an empty or weak password in one line (exit 1), and asks for --password-stdin when there is no terminal (exit 2)', async () => {
    const root = await freshDir()
    const empty = await runBin(['create-admin', 'carol', 'carol@example.com', '--password-stdin', '--data', root], { input: '\n' })
    expect(empty).toMatchObject({ code: 1, stdout: '' })
    expect(empty.stderr).toBe(
      's3verless create-admin: the password is empty: an admin needs a password (8+ characters with a letter and a digit)\n',
    )
    const weak = await runBin(['create-admin', 'carol', 'carol@example.com', '--password-stdin', '--data', root], { input: 'password' })
    expect(weak.code).toBe(1)
    expect(weak.stderr).toMatch(/^s3verless create-admin: .*digit.* \[auth\.weakPassword\]\n$/)
    const noTty = await runBin(['create-admin', 'carol', 'carol@example.com', '--data', root])
    expect(noTty.code).toBe(2)
    expect(noTty.stderr).toMatch(/^s3verless create-admin: no terminal to ask for the password: pipe it in with --password-stdin\n/)
    // nobody was created by any of these
    const auth = new S3AuthService({ store: fsStore({ root }), settings: createSettings({ secretKey: 'x'.repeat(32) }) })
    expect(await auth.getUserByUsername('carol')).toBeNull()
  })

  it('needs a username and an email (exit 2)', async () => {
    const run = await cli(['create-admin', 'dave'], {})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('s3verless create-admin: expected <username> <email>')
    expect(run.stderr).toContain('Usage: s3verless create-admin <username> <email>')
  })
})
