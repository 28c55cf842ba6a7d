import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const here = fileURLToPath(new URL('..', import.meta.url))

it('runs the quickstart end to end on a fresh data folder, printing request counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3verless-quickstart-'))
  try {
    const out = execFileSync('npx', ['tsx', '--conditions=@s3verless/source', 'src/main.ts'], {
      cwd: here,
      env: { ...process.env, S3VERLESS_DATA_DIR: dir },
      encoding: 'utf8',
    })
    expect(out).toMatch(/-> ready: asc:category, asc:price, unique:sku\n/)
    expect(out).toMatch(/create a product \(1 unique \+ 2 indexed fields\)\s+4 request\(s\) \(4 put\)/)
    expect(out).toMatch(/-> model\.unique: Product\.sku must be unique: "LAMP-1" is already taken/)
    expect(out).toMatch(/invalid input is refused before any request\s+0 request\(s\)/)
    expect(out).toMatch(/get by id\s+1 request\(s\) \(1 get\)/)
    expect(out).toMatch(/update again with the old etag: conflict\s+1 request\(s\) \(1 get\)\n\s+-> model\.conflict/)
    expect(out).toMatch(/-> stock now 10\n/)
    expect(out).toMatch(/find by unique sku\s+2 request\(s\) \(2 get\)\n\s+-> Item 7/)
    expect(out).toMatch(/-> 11 products/)
    expect(out).toMatch(/query: garden, price >= 10, cheapest 3\s+11 request\(s\)[^\n]*\n\s+-> ITEM-6 11, ITEM-8 13, ITEM-10 15/)
    expect(out).toMatch(/query: price < 12, most expensive first[^\n]*\n\s+-> 11, 10, 9, 8, 7, 6, 5\n/)
    expect(out).toMatch(/query: count in "home" \(index only, no GET\)\s+1 request\(s\) \(1 list\)\n\s+-> 11/)
    expect(out).toMatch(/maxScan 5[^\n]*\n\s+-> query\.tooExpensive/)
    expect(out).toMatch(/100 gets of one product through a 'ttl' record cache\s+1 request\(s\) \(1 get\)/)
    expect(out).toMatch(/-> Desk lamp \(new\)/)
    expect(out).toMatch(/-> reviews left for it: 0/)
    expect(out).toMatch(/-> 20 records, 0 dangling entries, 0 missing/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)
