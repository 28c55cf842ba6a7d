import { fileURLToPath } from 'node:url'
import { mulberry32 } from '@s3verless/testing/random'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

// `@s3verless/testing/random`: the one seeded PRNG of the randomized checkers, fuzzers, crash
// workers and the load benchmark. A seed printed by an older run must replay the same choices.

describe('mulberry32 (@s3verless/testing/random)', () => {
  it('gives the sequence the checkers have always drawn for a seed (old replay seeds still replay)', () => {
    const rng = mulberry32(1)
    expect([rng(), rng(), rng()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
    expect(mulberry32(2 ** 32 + 1)()).toBe(0.6270739405881613) // only the low 32 bits of the seed count
    const other = mulberry32(2)
    expect(other()).not.toBe(0.6270739405881613)
  })

  it('stays in [0, 1)', () => {
    const rng = mulberry32(7)
    for (let i = 0; i < 10_000; i++) {
      const x = rng()
      expect(x >= 0 && x < 1).toBe(true)
    }
  })

  it('bundles on its own: a worker that imports only it does not pull in faker', async () => {
    const out = await build({
      stdin: {
        contents: "export { mulberry32 } from '@s3verless/testing/random'",
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      conditions: ['@s3verless/source'],
      logLevel: 'silent',
    })
    const code = out.outputFiles[0]?.text ?? ''
    expect(code).toContain('Math.imul')
    expect(code).not.toMatch(/faker/i)
    expect(code.length).toBeLessThan(2_000)
  })
})
