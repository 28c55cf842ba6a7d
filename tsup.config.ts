import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'tsup'

/**
 * One build configuration for every package: run from a package folder
 * (`tsup --config ../../tsup.config.ts`). Entries are read from the package's `exports` map, whose
 * `@s3verless/source` condition names each entry's source file, and from its `imports` map (a
 * runtime-specific module such as auth's `#bcrypt`, built beside the entries and kept external so
 * the consumer's runtime picks the variant).
 */
type ExportEntry = Record<string, string>
type ImportEntry = { '@s3verless/source'?: Record<string, string> }
const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
  exports: Record<string, ExportEntry>
  imports?: Record<string, ImportEntry>
  bin?: Record<string, string>
}

const entry: Record<string, string> = {}
for (const [subpath, conditions] of Object.entries(pkg.exports)) {
  const source = conditions['@s3verless/source']
  if (!source) continue
  const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '')
  entry[name] = source
}
for (const conditions of Object.values(pkg.imports ?? {})) {
  for (const source of Object.values(conditions['@s3verless/source'] ?? {})) {
    entry[source.replace(/^.*\//, '').replace(/\.ts$/, '')] = source
  }
}

export default defineConfig({
  entry,
  format: ['esm'],
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: [/^#/],
  tsconfig: '../../tsconfig.json',
})
