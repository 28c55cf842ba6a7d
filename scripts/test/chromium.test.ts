import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script of the repository, without types
import { ensureChromium } from '../chromium.mjs'

type Result = { path: string | null; installed: boolean; reason?: string }
const ensure = ensureChromium as (o: {
  env: NodeJS.ProcessEnv
  isRoot: boolean
  say: (t: string) => void
  warn: (t: string) => void
}) => Result

let dir = ''
afterEach(() => rm(dir, { recursive: true, force: true }))

/**
 * A machine without chromium: a PATH of one folder holding only `sh` and, when asked, an `apt-get`
 * that logs its arguments and (unless told to fail) "installs" chromium into that folder.
 */
async function freshMachine(apt: 'working' | 'failing' | 'none') {
  dir = await mkdtemp(join(tmpdir(), 's3verless-chromium-'))
  const bin = join(dir, 'bin')
  await mkdir(bin)
  await symlink('/bin/sh', join(bin, 'sh'))
  if (apt !== 'none') {
    const install =
      apt === 'working' ? `printf '#!/bin/sh\\necho chromium\\n' > "${bin}/chromium"; /bin/chmod +x "${bin}/chromium"` : 'exit 100'
    await writeFile(join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> "${dir}/apt.log"\ncase "$1" in install) ${install} ;; esac\nexit 0\n`)
    await chmod(join(bin, 'apt-get'), 0o755)
  }
  const said: string[] = []
  const warned: string[] = []
  const env: NodeJS.ProcessEnv = { PATH: bin }
  const run = (isRoot: boolean) => ensure({ env, isRoot, say: (t) => said.push(t), warn: (t) => warned.push(t) })
  const aptLog = () => readFile(join(dir, 'apt.log'), 'utf8').catch(() => '')
  return { bin, env, run, said, warned, aptLog }
}

describe("npm test's chromium step (scripts/chromium.mjs)", () => {
  it("installs Debian's chromium with apt-get on a fresh machine as root, and points the browser tests at it", async () => {
    const m = await freshMachine('working')
    expect(m.run(true)).toEqual({ path: join(m.bin, 'chromium'), installed: true })
    expect(await m.aptLog()).toBe('update -qq\ninstall -y -qq chromium\n')
    expect(m.env).toMatchObject({ CHROMIUM_PATH: join(m.bin, 'chromium'), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' })
    expect(m.warned).toEqual([])
    // a second run finds it and installs nothing
    expect(m.run(true)).toEqual({ path: join(m.bin, 'chromium'), installed: false })
    expect(await m.aptLog()).toBe('update -qq\ninstall -y -qq chromium\n')
  })

  it('says LOUDLY that the browser tests are skipped when it cannot install (not root, no apt, apt failing)', async () => {
    const notRoot = await freshMachine('working')
    expect(notRoot.run(false)).toMatchObject({ path: null, reason: 'installing it needs root: sudo apt-get install -y chromium' })
    expect(await notRoot.aptLog()).toBe('')
    expect(notRoot.warned.join('')).toMatch(/!!! No chromium \(.*\): the browser tests will be SKIPPED/)
    expect(notRoot.env.CHROMIUM_PATH).toBeUndefined()
    await rm(dir, { recursive: true, force: true })

    const noApt = await freshMachine('none')
    expect(noApt.run(true).reason).toBe('there is no apt-get here: install chromium and set CHROMIUM_PATH')
    await rm(dir, { recursive: true, force: true })

    const failing = await freshMachine('failing')
    expect(failing.run(true)).toMatchObject({ path: null, reason: 'apt-get install -y chromium failed' })
    expect(failing.warned.join('')).toContain('SKIPPED')
  })
})
