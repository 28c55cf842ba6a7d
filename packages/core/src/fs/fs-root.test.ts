import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fsStore } from './fs-store.js'

const codeOf = (make: () => unknown) => {
  try {
    make()
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message }
  }
  return undefined
}

describe('fsStore checks its root when it is made', () => {
  it('refuses a missing or empty root with settings.invalid and what to pass, writing nothing', () => {
    const before = readdirSync('.')
    for (const options of [{}, { root: '' }, { root: '   ' }, { root: 42 }, null]) {
      const found = codeOf(() => fsStore(options as never))
      expect(found?.code, JSON.stringify(options)).toBe('settings.invalid')
      expect(found?.message).toMatch(/root must be a non-empty folder path.*fsStore\(\{ root: /)
    }
    expect(readdirSync('.')).toEqual(before)
  })

  it('refuses a root that is a file, or below a file, naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3v-root-'))
    const file = join(dir, 'plain.txt')
    writeFileSync(file, 'x')
    for (const root of [file, join(file, 'data')]) {
      const found = codeOf(() => fsStore({ root }))
      expect(found?.code).toBe('settings.invalid')
      expect(found?.message).toContain(root)
      expect(found?.message).toMatch(/is a file, not a folder/)
    }
  })

  it('creates a missing folder and reports an absolute root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3v-root-'))
    const store = fsStore({ root: join(dir, 'a', 'b') })
    expect(store.root).toBe(join(dir, 'a', 'b'))
    await store.put('k', 'v')
    expect(new TextDecoder().decode((await store.get('k'))?.body)).toBe('v')
  })

  it.skipIf(process.getuid?.() === 0)('refuses a folder this process cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3v-root-'))
    chmodSync(dir, 0o500)
    expect(codeOf(() => fsStore({ root: dir }))?.message).toMatch(/not writable/)
  })
})
