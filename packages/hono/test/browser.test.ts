import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeDocsAssets } from '../src/node.js'
import { login, makeApp, PASSWORD } from './fixtures.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '../../../.tmp/screenshots')
const available = existsSync(CHROMIUM)
if (!available && process.env.CI) throw new Error(`Browser tests need Debian's chromium at ${CHROMIUM} (apt-get install -y chromium)`)
if (!available) console.warn(`\n!!! ${CHROMIUM} not found: the browser tests are SKIPPED (apt-get install -y chromium)\n`)

describe.skipIf(!available)('admin UI and docs in headless Chromium', () => {
  let ctx: Awaited<ReturnType<typeof makeApp>>
  let server: ReturnType<typeof serve>
  let origin: string
  let browser: Browser
  const external: string[] = []

  beforeAll(async () => {
    ctx = await makeApp({ docsAssets: nodeDocsAssets() })
    await login(ctx, 'root', { admin: true })
    await ctx.products.createMany(
      Array.from({ length: 25 }, (_, i) => ({
        name: `Item ${String(i).padStart(2, '0')}`,
        sku: `SKU-${i}`,
        price: i,
        category: (['home', 'garden', 'toys'] as const)[i % 3] as 'home',
        inStock: i % 2 === 0,
      })),
    )
    await new Promise<void>((resolve) => {
      server = serve({ fetch: ctx.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve())
    })
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  })
  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function newPage(): Promise<Page> {
    const context = await browser.newContext()
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue()
      external.push(url)
      return route.abort()
    })
    return context.newPage()
  }

  async function signIn(page: Page) {
    await page.goto(`${origin}/admin/`)
    expect(await page.evaluate(() => document.compatMode)).toBe('CSS1Compat') // standards mode, not quirks
    await page.fill('#username', 'root')
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(`${origin}/admin/products`)
    expect(await page.evaluate(() => document.compatMode)).toBe('CSS1Compat')
  }

  it('signs in, creates, edits (a boolean stays true), filters, paginates and deletes', async () => {
    const page = await newPage()
    await signIn(page)
    expect(await page.locator('tbody tr').count()).toBe(20)
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-products-list.png'), fullPage: true })

    await page.click('text=Next →')
    expect(await page.locator('tbody tr').count()).toBe(5)
    await expect.poll(() => page.locator('.pager span').textContent()).toContain('Page 2 of 2')

    await page.goto(`${origin}/admin/products/new`)
    await page.fill('#f-name', 'Browser lamp')
    await page.fill('#f-sku', 'BR-1')
    await page.fill('#f-price', '42')
    await page.selectOption('#f-category', 'garden')
    await page.check('#f-inStock')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=1/)
    const id = new URL(page.url()).pathname.split('/').pop() as string
    expect(await ctx.products.get(id)).toMatchObject({ name: 'Browser lamp', price: 42, category: 'garden', inStock: true })

    await page.fill('#f-price', '43')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=1/)
    expect(await ctx.products.get(id)).toMatchObject({ price: 43, inStock: true, category: 'garden' })
    expect(await page.isChecked('#f-inStock')).toBe(true)

    await page.fill('#f-price', '-1')
    await page.click('button:has-text("Save")')
    expect(await page.locator('.error').first().textContent()).toMatch(/>=|0/)
    expect((await ctx.products.get(id))?.price).toBe(43)

    await page.goto(`${origin}/admin/products`)
    await page.selectOption('select[name=field]', 'category')
    await page.selectOption('select[name=op]', 'eq')
    await page.fill('input[name=value]', 'garden')
    await page.selectOption('select[name=orderBy]', '-price')
    await page.click('button:has-text("Apply")')
    const prices = await page.locator('tbody tr td:nth-child(4)').allInnerTexts()
    expect(prices[0]).toBe('43')
    expect(await page.locator('tbody tr').count()).toBe(9)

    await page.goto(`${origin}/admin/products/${id}`)
    await page.click('text=Delete…')
    await page.click('button:has-text("Delete")')
    await page.waitForURL(`${origin}/admin/products`)
    expect(await ctx.products.get(id)).toBeNull()
    await page.context().close()
  })

  it('renders a stored <img onerror> as text', async () => {
    const xss = '<img src=x onerror="window.__pwned=1">'
    await ctx.products.create({ name: xss, sku: 'XSS-1', price: 1000, category: 'toys' })
    const page = await newPage()
    await signIn(page)
    await page.goto(`${origin}/admin/products?orderBy=-price`)
    expect(await page.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe(xss)
    expect(await page.locator('main img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    await page.context().close()
  })

  it('renders the docs page with no network beyond the app', async () => {
    const page = await newPage()
    await page.goto(`${origin}/docs`)
    await page.waitForSelector('.opblock-tag', { timeout: 15_000 })
    expect(await page.locator('.info .title').textContent()).toContain('Test shop')
    expect(await page.locator('.opblock-tag').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('Product'), expect.stringContaining('Transactions')]),
    )
    // POST /transactions is listed, and opened it shows its body: operations tagged by op, on the served models.
    const transactions = page.locator('.opblock-post').filter({ has: page.locator('[data-path="/transactions"]') })
    await transactions.locator('.opblock-summary').click()
    const example = await transactions.locator('.opblock-section-request-body textarea').inputValue({ timeout: 15_000 })
    expect(example).toContain('"operations"')
    expect(example).toMatch(/"op": "create"/)
    expect(example).toMatch(/"model": "(products|notes)"/)
    expect(await transactions.locator('.responses-table').textContent()).toMatch(/412[\s\S]*422/)
    await page.screenshot({ path: join(SCREENSHOTS, 'docs.png') })
    expect(external).toEqual([])
    await page.context().close()
  })
})
