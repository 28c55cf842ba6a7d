import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

/**
 * Bundles the auth entry with the given conditions and reports the Node built-ins it reached for and
 * how `@node-rs/bcrypt` was imported (if at all).
 */
async function bundle(conditions: string[], platform: 'neutral' | 'node') {
  const reached = new Set<string>()
  const bcryptImports: string[] = []
  await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform,
    format: 'esm',
    mainFields: ['module', 'main'],
    conditions: ['@s3verless/source', ...conditions],
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
  it('a Workers-style bundle of @s3verless/auth reaches no Node built-in and never @node-rs/bcrypt (the #bcrypt import picks the refusal)', async () => {
    const { reached, bcryptImports } = await bundle(['workerd', 'worker', 'browser'], 'neutral')
    expect(reached).toEqual([])
    expect(bcryptImports).toEqual([])
  }, 60_000)

  it('on Node the same import loads native bcrypt, lazily', async () => {
    expect((await bundle(['node'], 'node')).bcryptImports).toEqual(['dynamic-import'])
  }, 60_000)
})
