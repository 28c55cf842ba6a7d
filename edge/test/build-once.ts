import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

function newest(dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

/**
 * Builds the packages `filter` needs (`pnpm --filter <filter>... build`) when a `dist/` is missing or
 * older than its sources: tools that bundle the published way (wrangler, npm pack) read `dist/`.
 */
export function buildPackagesIfStale(packages: readonly string[], filter: string): void {
  const stale = packages.some((name) => {
    const dir = join(root, 'packages', name)
    const dist = join(dir, 'dist', 'index.js')
    return !existsSync(dist) || statSync(dist).mtimeMs < Math.max(newest(join(dir, 'src')), statSync(join(dir, 'package.json')).mtimeMs)
  })
  if (!stale) return
  console.log(`building ${filter} and its dependencies (dist/ missing or older than src/)`)
  execFileSync('npx', ['-y', 'pnpm@12.4.2', '--filter', filter, 'build'], { cwd: root, stdio: 'inherit' })
}
