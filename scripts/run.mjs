#!/usr/bin/env node
// The README's two commands: `npm start` (install if needed, then serve the shop demo (API, docs,
// admin) on the embedded file-system store; `quickstart` runs the console quickstart) and `npm test` (install if needed, start a throw-away Ceph RGW when none is
// configured and this machine can run one, install Debian's chromium for the browser tests when it
// can, run every test, stop RGW). Needs only Node and npm.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureChromium } from './chromium.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const PNPM = 'pnpm@12.4.2'
const say = (text) => console.log(`\x1b[36m[s3verless]\x1b[0m ${text}`)

function pnpmCommand() {
  try {
    if (execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim() === PNPM.split('@')[1]) return ['pnpm', []]
  } catch {}
  return ['npx', ['-y', PNPM]]
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options })
  if (result.error) throw result.error
  return result.status ?? 1
}

function pnpm(args, options) {
  const [cmd, pre] = pnpmCommand()
  return run(cmd, [...pre, ...args], options)
}

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml')
  const lock = join(root, 'pnpm-lock.yaml')
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return
  say(`installing dependencies with ${PNPM} (frozen lockfile)`)
  const status = pnpm(['install', '--frozen-lockfile'])
  if (status !== 0) process.exit(status)
}

/** Starts the project's Ceph RGW when no S3 server is configured; returns a stop function. */
function ensureS3Server() {
  if (process.env.S3_TEST_ENDPOINT) return () => {}
  if (process.env.S3VERLESS_SKIP_S3 === '1') {
    say('S3VERLESS_SKIP_S3=1: the real-S3 suites will be skipped')
    return () => {}
  }
  say('starting a throw-away Ceph RGW for the real-S3 suites (scripts/s3-server.sh)')
  const result = spawnSync('bash', [join(root, 'scripts/s3-server.sh'), 'start'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (result.status !== 0) {
    console.warn('\n\x1b[33m!!! Could not start Ceph RGW: the real-S3 suites will be SKIPPED (they are not passed silently).\x1b[0m\n')
    return () => {}
  }
  for (const line of result.stdout.split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim())
    if (m) process.env[m[1]] = m[2]
  }
  return () => spawnSync('bash', [join(root, 'scripts/s3-server.sh'), 'stop'], { cwd: root, stdio: 'inherit' })
}

function test(extra) {
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1'
  ensureInstalled()
  ensureChromium({ say })
  const stop = ensureS3Server()
  mkdirSync(join(root, '.tmp'), { recursive: true })
  const report = join(root, '.tmp', 'vitest-report.json')
  let status
  try {
    status = pnpm(['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    })
  } finally {
    stop()
  }
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'))
    console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + (r.numTodoTests ?? 0)} skipped`)
  }
  process.exit(status)
}

function start(extra) {
  ensureInstalled()
  process.exit(pnpm(['--filter', '@s3verless/example-shop', 'start', ...extra]))
}

function quickstart(extra) {
  ensureInstalled()
  process.exit(pnpm(['--filter', '@s3verless/example-quickstart', 'start', ...extra]))
}

/** Runs a tool installed in node_modules/.bin, installing first if needed. */
function tool(bin, args) {
  ensureInstalled()
  process.exit(run(join(root, 'node_modules', '.bin', bin), args))
}

const TOOLS = {
  build: () => {
    ensureInstalled()
    process.exit(pnpm(['-r', 'build']))
  },
  typecheck: (extra) => tool('tsc', ['-p', 'tsconfig.json', '--noEmit', ...extra]),
  lint: (extra) => tool('biome', ['check', '--config-path', 'scripts/lint-config.jsonc', ...(extra.length ? extra : ['.'])]),
  // The s3verless command from source: no build needed. `npm run cli -- list-data --help`
  cli: (extra) => tool('tsx', ['--conditions=@s3verless/source', 'packages/cli/src/bin.ts', ...extra]),
  // `npm run bench -- load [seconds] [connections]`: the demo server's load test on RGW (bench/load.ts)
  bench: (extra) =>
    extra[0] === 'load'
      ? tool('tsx', ['--conditions=@s3verless/source', 'bench/load.ts', ...extra.slice(1)])
      : tool('tsx', ['--conditions=@s3verless/source', 'bench/run.ts', ...extra]),
}

const [command, ...extra] = process.argv.slice(2)
if (command === 'test') test(extra)
else if (command === 'start') start(extra)
else if (command === 'quickstart') quickstart(extra)
else if (command in TOOLS) TOOLS[command](extra)
else {
  console.error(`usage: node scripts/run.mjs start|quickstart|test|${Object.keys(TOOLS).join('|')}`)
  process.exit(2)
}
