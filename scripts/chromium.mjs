// Debian's chromium for the browser tests, installed the way scripts/s3-server.sh installs Ceph:
// with apt-get when it is missing and this is root with apt; never a downloaded browser.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** The path of `name` on the PATH of `env` (`command -v`), or ''. */
function commandPath(name, env) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', env })
  return found.status === 0 ? found.stdout.trim() : ''
}

/**
 * Makes sure the browser tests have Debian's `chromium`: the one at `CHROMIUM_PATH` or on the PATH;
 * else, as root with apt-get, `apt-get update` and `apt-get install -y chromium`; else a LOUD message
 * that the browser tests will be skipped (under CI=true they fail instead). Sets
 * `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1` and, when found, `CHROMIUM_PATH` (what the tests read) in `env`.
 * @param {{ env?: NodeJS.ProcessEnv, isRoot?: boolean, say?: (text: string) => void, warn?: (text: string) => void }} [options]
 * @returns {{ path: string | null, installed: boolean, reason?: string }}
 */
export function ensureChromium(options = {}) {
  const env = options.env ?? process.env
  const say = options.say ?? ((text) => console.log(text))
  const warn = options.warn ?? ((text) => console.warn(text))
  const isRoot = options.isRoot ?? process.getuid?.() === 0
  env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1'
  const found = () => (env.CHROMIUM_PATH && existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : commandPath('chromium', env))
  const use = (path, installed) => {
    env.CHROMIUM_PATH = path
    return { path, installed }
  }
  if (found()) return use(found(), false)
  let reason
  if (!isRoot) reason = 'installing it needs root: sudo apt-get install -y chromium'
  else if (!commandPath('apt-get', env)) reason = 'there is no apt-get here: install chromium and set CHROMIUM_PATH'
  else {
    say("installing Debian's chromium for the browser tests (apt-get, once; never a downloaded browser)")
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' }
    const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv }
    const updated = spawnSync('apt-get', ['update', '-qq'], quiet).status === 0
    const installed = updated && spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], quiet).status === 0
    if (found()) return use(found(), true)
    reason = updated ? `apt-get install -y chromium failed${installed ? ' to put chromium on the PATH' : ''}` : 'apt-get update failed'
  }
  warn(`\n\x1b[33m!!! No chromium (${reason}): the browser tests will be SKIPPED, not passed silently (under CI=true they fail).\x1b[0m\n`)
  return { path: null, installed: false, reason }
}
