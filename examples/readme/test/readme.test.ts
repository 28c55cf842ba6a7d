import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERROR_CODES } from '@s3verless/core'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** Every ```ts block of the README with the line it starts on. */
function snippets(): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = []
  const pattern = /^```ts\n([\s\S]*?)^```/gm
  for (let m = pattern.exec(readme); m; m = pattern.exec(readme)) {
    out.push({ line: readme.slice(0, m.index).split('\n').length + 1, code: m[1] as string })
  }
  return out
}

describe('README', () => {
  it('every TypeScript block compiles against the packages, on its own', () => {
    const blocks = snippets()
    expect(blocks.length).toBeGreaterThan(3)
    const dir = join(here, '..', '.snippets')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const files = blocks.map((b, i) => {
      const file = join(dir, `readme-line-${b.line}.ts`)
      writeFileSync(file, `${b.code}\nexport {}\n`) // a module: top-level await allowed
      return { file, ...b, i }
    })
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
        },
      },
    )
    if (!config) throw new Error('cannot read tsconfig.json')
    const program = ts.createProgram(
      files.map((f) => f.file),
      { ...config.options, noEmit: true, noUnusedLocals: false },
    )
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.some((f) => f.file === d.file?.fileName))
      .map((d) => {
        const block = files.find((f) => f.file === d.file?.fileName)
        const { line } = (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0)
        return `README.md:${(block?.line ?? 0) + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`
      })
    expect(problems).toEqual([])
  }, 120_000)

  it('lists exactly the error codes of the table in code, with their HTTP status', () => {
    const section = readme.slice(readme.indexOf('### Error codes'))
    const listed = [...section.matchAll(/^\| `([a-z]+\.[A-Za-z]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])])
    expect(listed).toEqual(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]))
  })

  it('every code a package throws is in the table', () => {
    const thrown = new Set<string>()
    const sources = ts.sys.readDirectory(join(root, 'packages'), ['.ts', '.tsx'], ['**/node_modules/**', '**/dist/**', '**/test/**'])
    for (const file of sources.filter((f) => f.includes('/src/') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/'((?:store|settings|model|access|query|cache|auth|storage|migration|cli)\.[a-z][A-Za-z]+)'/g)) {
        thrown.add(m[1] as string)
      }
    }
    const missing = [...thrown].filter((c) => !(c in ERROR_CODES)).sort()
    expect(missing).toEqual([])
  })
})
