import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const fsEntry = fileURLToPath(new URL('../src/fs/index.ts', import.meta.url))
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

/** Bundles an entry for a browser/edge platform and returns the Node built-ins it reached for. */
async function nodeImportsOf(file: string): Promise<string[]> {
  const reached = new Set<string>()
  await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['@s3verless/source'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'flag-node-builtins',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
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
  return [...reached]
}

describe('edge runtimes', () => {
  it('bundles the core entry for a browser platform without any Node built-in', async () => {
    expect(await nodeImportsOf(entry)).toEqual([])
  }, 60_000)

  it('the check itself notices Node built-ins (the fs subpath uses them)', async () => {
    const reached = await nodeImportsOf(fsEntry)
    expect(reached.some((m) => m.startsWith('node:fs'))).toBe(true)
  }, 60_000)
})
