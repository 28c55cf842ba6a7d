import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cli } from './cli-harness.js'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

describe('runCli', () => {
  it('lists the commands with --help', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const run = await cli([flag])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('Usage: s3verless <command> [options]')
      expect(run.stdout).toMatch(/^ {2}list-data +List the keys/m)
      expect(run.stderr).toBe('')
    }
  })

  it("prints the package's version with --version", async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    expect((await cli(['-v'])).stdout).toBe(`${version}\n`)
  })

  it('shows the help on stderr and exits 2 without a command', async () => {
    const run = await cli([])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('Commands:')
  })

  it('rejects an unknown command or option with exit code 2', async () => {
    expect(await cli(['lsit-data'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 's3verless: Unknown command "lsit-data". Run "s3verless --help" to see the commands.\n',
    })
    const option = await cli(['--verbose'])
    expect(option.code).toBe(2)
    expect(option.stderr).toContain('Unknown option "--verbose"')
  })

  it('has --help on every command it lists', async () => {
    const names = [...(await cli(['--help'])).stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1])
    expect(names).toEqual(['init', 'serve', 'migrate', 'reindex', 'inspect', 'doctor', 'seed', 'list-data', 'create-admin', 'version'])
    for (const name of names) {
      const run = await cli([name as string, '--help'])
      expect(run).toMatchObject({ code: 0, stderr: '' })
      expect(run.stdout).toMatch(new RegExp(`^Usage: s3verless ${name}( |\n)`))
    }
  })

  it("shows a command's usage with --help after its name", async () => {
    const run = await cli(['list-data', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: s3verless list-data [prefix] [--limit N]')
  })
})
