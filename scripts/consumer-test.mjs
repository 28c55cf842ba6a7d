#!/usr/bin/env node
// The consumer test: what a user gets from npm. Packs every package (`pnpm pack`, which applies each
// package's publishConfig), installs the tarballs with npm into a fresh folder outside the workspace
// together with zod and hono, then runs an ESM script and a CommonJS require() on each Node given,
// typechecks with moduleResolution bundler, node16 and nodenext (skipLibCheck off; the edge file with
// no @types/node), and checks there is exactly one zod. Needs `pnpm -r build` first.
//   node scripts/consumer-test.mjs [--node /path/to/node ...]
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const PACKAGES = ['core', 'query', 'cache', 'auth', 'storage', 'migrations', 'testing', 'hono', 'cli']
const nodes = [process.execPath]
for (let i = 2; i < process.argv.length; i++) if (process.argv[i] === '--node') nodes.push(resolve(process.argv[++i]))

const step = (text) => console.log(`\n--- consumer: ${text}`)
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' })
const fail = (text) => {
  console.error(`consumer test FAILED: ${text}`)
  process.exit(1)
}

const work = mkdtempSync(join(tmpdir(), 's3verless-consumer-'))
const packs = join(work, 'packs')
const app = join(work, 'app')
mkdirSync(packs)
mkdirSync(app)
try {
  step(`packing ${PACKAGES.length} packages into ${packs}`)
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name)
    if (!existsSync(join(dir, 'dist'))) fail(`packages/${name}/dist is missing: run pnpm -r build first`)
    execFileSync('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', packs], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  }
  const tarballs = readdirSync(packs).map((f) => join(packs, f))
  for (const tarball of tarballs) {
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n')
    for (const file of ['package/README.md', 'package/LICENSE', 'package/package.json']) {
      if (!listing.includes(file)) fail(`${tarball} has no ${file}`)
    }
    if (execFileSync('tar', ['xzOf', tarball, 'package/LICENSE'], { encoding: 'utf8' }) !== readFileSync(join(root, 'LICENSE'), 'utf8'))
      fail(`${tarball}: LICENSE differs from the repository's`)
    const manifest = execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })
    if (manifest.includes('@s3verless/source') || manifest.includes('workspace:'))
      fail(`${tarball}: package.json still names the workspace`)
    if (!JSON.parse(manifest).repository || !JSON.parse(manifest).engines) fail(`${tarball}: no repository or engines field`)
  }

  step(`installing the tarballs with npm into ${app}`)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2))
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs,
      'zod@^4.1.0',
      'hono@^4.13.0',
      'swagger-ui-dist@^5.35.0',
      'typescript@5.9.3',
      '@types/node@^20.19.0',
    ],
    app,
  )
  for (const file of ['esm.mjs', 'cjs.cjs', 'edge.ts', 'node.ts']) copyFileSync(join(root, 'scripts', 'consumer', file), join(app, file))

  step("one copy of zod (the consumer's: zod is a peer dependency)")
  const zods = execFileSync(
    'find',
    [join(app, 'node_modules'), '-path', '*/zod/package.json', '-not', '-path', '*/zod/*/zod/package.json'],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter((p) => p && JSON.parse(readFileSync(p, 'utf8')).name === 'zod')
  console.log(zods.join('\n'))
  if (zods.length !== 1) fail(`expected exactly one zod, found ${zods.length}`)

  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
    step(`ESM import and CommonJS require() on Node ${version}`)
    run(node, ['esm.mjs'], app)
    run(node, ['cjs.cjs'], app)
  }

  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc')
  for (const [resolution, module] of [
    ['bundler', 'esnext'],
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
  ]) {
    for (const [file, types] of [
      ['edge.ts', []],
      ['node.ts', ['node']],
    ]) {
      step(`typecheck ${file}: moduleResolution ${resolution}, types ${JSON.stringify(types)}, skipLibCheck off`)
      const config = `tsconfig.${resolution}.${file}.json`
      writeFileSync(
        join(app, config),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            lib: ['es2023', 'dom'],
            module,
            moduleResolution: resolution,
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types,
          },
          files: [file],
        }),
      )
      run(process.execPath, [tsc, '-p', config], app)
    }
  }
  console.log('\nconsumer test: all checks passed')
} finally {
  rmSync(work, { recursive: true, force: true })
}
