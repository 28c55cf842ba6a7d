import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { ENTRIES, measure } from '../bundle-size.mjs'

// Growth past a budget is a decision to make visibly (raise the number here and in the README), not a drift.
describe('bundle budgets for Workers-style runtimes', () => {
  for (const entry of ENTRIES) {
    it(`${entry.name}: ≤ ${entry.minKiB} KiB minified, ≤ ${entry.gzipKiB} KiB gzip, no Node built-in, no AWS SDK, no bcrypt`, async () => {
      const size = await measure(entry.entry)
      expect(size.forbidden).toEqual([])
      expect(size.sdkModules).toEqual([])
      expect(size.minBytes).toBeLessThanOrEqual(entry.minKiB * 1024)
      expect(size.gzipBytes).toBeLessThanOrEqual(entry.gzipKiB * 1024)
    }, 60_000)
  }

  it('minified bundles keep the error names (fixed strings, not class names a minifier renames)', async () => {
    const result = await build({
      stdin: {
        contents: `export { NotFound, ValidationError, SettingsError, S3verlessError } from '@s3verless/core'
          export { QueryTooExpensiveError } from '@s3verless/query'`,
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['@s3verless/source', 'worker'],
      logLevel: 'error',
    })
    const url = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0]?.text ?? '').toString('base64')}`
    const errors = (await import(url)) as Record<string, new (...args: never[]) => Error>
    const args: Record<string, unknown[]> = {
      NotFound: ['get', 'k'],
      ValidationError: ['Product', []],
      SettingsError: ['bad'],
      S3verlessError: ['some.code', 'message'],
      QueryTooExpensiveError: ['Product', 10],
    }
    const names = Object.fromEntries(Object.entries(errors).map(([key, Type]) => [key, Reflect.construct(Type, args[key] ?? []).name]))
    expect(names).toEqual({
      NotFound: 'NotFound',
      ValidationError: 'ValidationError',
      SettingsError: 'SettingsError',
      S3verlessError: 'S3verlessError',
      QueryTooExpensiveError: 'QueryTooExpensiveError',
    })
  })
})
