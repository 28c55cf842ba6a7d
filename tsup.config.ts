import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'tsup'

/**
 * One build configuration for every package: run from a package folder
 * (`tsup --config ../../tsup.config.ts`). Entries are read from the package's
 * `exports` map, whose `@s3verless/source` condition names each entry's source file.
 */
type ExportEntry = Record<string, string>
const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
  exports: Record<string, ExportEntry>
  bin?: Record<string, string>
}

const entry: Record<string, string> = {}
for (const [subpath, conditions] of Object.entries(pkg.exports)) {
  const source = conditions['@s3verless/source']
  if (!source) continue
  const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '')
  entry[name] = source
}

export default defineConfig({
  entry,
  format: ['esm'],
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: '../../tsconfig.json',
})
