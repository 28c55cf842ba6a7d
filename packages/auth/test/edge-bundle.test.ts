import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

/**
 * Bundles the auth entry for a browser/edge platform and reports the Node built-ins it reached
 * for, and whether native bcrypt is imported statically (it must only be loaded on first use).
 */
async function bundle() {
  const reached = new Set<string>()
  const bcryptImports: string[] = []
  await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['@s3verless/source'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'flag-node',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.path === '@node-rs/bcrypt') {
              bcryptImports.push(args.kind)
              return { path: args.path, external: true }
            }
            if (builtins.has(args.path)) {
              reached.add(`${args.path} (from ${args.importer.replace(/.*node_modules\//, '')})`)
              return { path: args.path, external: true }
            }
            return undefined
          })
        },
      },
    ],
  })
  return { reached: [...reached], bcryptImports }
}

describe('edge runtimes', () => {
  it('bundles @s3verless/auth for a browser platform without Node built-ins; bcrypt is only a lazy dynamic import', async () => {
    const { reached, bcryptImports } = await bundle()
    expect(reached).toEqual([])
    expect(bcryptImports).toEqual(['dynamic-import'])
  }, 60_000)
})
