import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runBin } from './process-harness.js'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

describe('s3verless version (as a process)', { timeout: 180_000 }, () => {
  it('prints the version, as --version does, and as JSON with --json; --help on every command', async () => {
    const [plain, flag, json, bad] = await Promise.all([
      runBin(['version']),
      runBin(['--version']),
      runBin(['version', '--json']),
      runBin(['version', '--jsn']),
    ])
    expect(plain).toEqual({ code: 0, signal: null, stdout: `${version}\n`, stderr: '' })
    expect(flag.stdout).toBe(`${version}\n`)
    expect(JSON.parse(json.stdout)).toEqual({ version, node: process.versions.node, platform: `${process.platform}-${process.arch}` })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("Unknown option '--jsn'")
  })
})
