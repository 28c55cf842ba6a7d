#!/usr/bin/env node
// Bundle budgets: typical edge entries bundled the way wrangler bundles a Worker (ESM, minified, the
// workerd/worker/browser conditions), measured minified and gzipped, with and without zod (the
// application's own schemas need zod anyway). `node edge/bundle-size.mjs` prints the README table;
// edge/test/bundle-size.test.ts holds every entry to its budget.
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

/** The entries and their budgets in KiB (minified, gzip). */
export const ENTRIES = [
  { name: 'memory-store handler (core + query)', entry: here('./entries/memory-handler.ts'), minKiB: 200, gzipKiB: 60 },
  { name: 'S3 handler over fetch (core + query)', entry: here('./entries/s3-handler.ts'), minKiB: 200, gzipKiB: 64 },
  {
    name: 'demo shop worker (everything: auth, uploads, OpenAPI, admin)',
    entry: here('../examples/shop/src/worker.ts'),
    minKiB: 450,
    gzipKiB: 150,
  },
]

/**
 * Bundles `entry` minified for a Workers-style runtime. Returns its size, and what it reached that it
 * must not: Node built-ins, the AWS SDK, native bcrypt (each made external and listed).
 */
export async function measure(entry, { withoutZod = false } = {}) {
  const forbidden = new Set()
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['@s3verless/source', 'workerd', 'worker', 'browser'],
    metafile: true,
    logLevel: 'error',
    external: withoutZod ? ['zod', 'zod/*'] : [],
    plugins: [
      {
        name: 'forbidden',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (builtins.has(args.path) || args.path.startsWith('@aws-sdk/') || args.path === '@node-rs/bcrypt') {
              forbidden.add(args.path)
              return { path: args.path, external: true }
            }
            return undefined
          })
        },
      },
    ],
  })
  const code = result.outputFiles[0].contents
  const inputs = Object.keys(result.metafile.inputs)
  return {
    minBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    forbidden: [...forbidden],
    sdkModules: inputs.filter((i) => i.includes('@aws-sdk')),
  }
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('| entry | minified | gzip | without zod (min / gzip) | budget (min / gzip) |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const e of ENTRIES) {
    const all = await measure(e.entry)
    const lean = await measure(e.entry, { withoutZod: true })
    console.log(
      `| ${e.name} | ${kib(all.minBytes)} | ${kib(all.gzipBytes)} | ${kib(lean.minBytes)} / ${kib(lean.gzipBytes)} | ${e.minKiB} / ${e.gzipKiB} KiB |`,
    )
  }
}
