import { pbkdf2Hasher } from '@s3verless/auth'
import { createSettings, defineModel, isS3verlessError, type Model, memoryStore } from '@s3verless/core'
import { defineSystemModel } from '@s3verless/core/internal'
import { UploadedFile } from '@s3verless/storage'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { S3verless, type S3verlessOptions } from '../src/index.js'
import { json, Product, SECRET_KEY } from './fixtures.js'

// A model whose plural is the path of one of the app's own routes would shadow it, or be shadowed
// by it, with no word said: the app refuses to be built instead, but only for routes it mounts.

const shape = z.object({ label: z.string() })
// Applications cannot define these plurals (defineModel reserves them); a model from S3verless's
// own packages, or from another copy of core, can: the app checks whatever it is given.
const system = (plural: string) => defineSystemModel(shape, { name: `Sys${plural}`, plural })
const Ledger = defineModel(shape, { name: 'Ledger', plural: 'transactions' })

const build = (models: Model[], options: Partial<S3verlessOptions> = {}) =>
  new S3verless({
    settings: createSettings({ secretKey: SECRET_KEY }),
    store: memoryStore(),
    models: [Product, ...models],
    passwordHasher: pbkdf2Hasher({ iterations: 1000 }),
    rateLimiter: false,
    ...options,
  }).createApp()

const uploads = { allowedContentTypes: ['text/plain'], maxFileSize: 1024 }

describe("a served model's plural against the app's own routes", () => {
  it.each([
    ['transactions', Ledger, {}, 'POST /transactions'],
    ['auth', system('auth'), {}, 'the auth routes'],
    ['uploads', system('uploads'), { uploads }, 'the upload routes'],
    ['admin', system('admin'), {}, 'the admin UI'],
    ['docs', system('docs'), {}, 'GET /docs'],
    ['health', system('health'), {}, 'GET /health'],
  ] as const)('"%s" is refused with a settings error naming the model, the route and the fix', (plural, model, options, route) => {
    let error: unknown
    try {
      build([model], options)
    } catch (e) {
      error = e
    }
    expect(isS3verlessError(error, 'settings.invalid')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain(`model ${model.name}'s plural "${plural}"`)
    expect(message).toContain(route)
    expect(message).toMatch(/give the model another plural/)
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ model: model.name, plural })
  })

  it('is served when the route it would meet is not mounted (no uploads, no admin, no auth; a model without routes)', async () => {
    const noUploads = build([system('uploads')])
    const created = await noUploads.request('/uploads', json('POST', { label: 'a' }))
    expect(created.status).toBe(201)
    expect(((await (await noUploads.request('/uploads')).json()) as { items: unknown[] }).items).toHaveLength(1)

    const noAdmin = build([system('admin')], { enableAdmin: false })
    expect((await noAdmin.request('/admin', json('POST', { label: 'a' }))).status).toBe(201)

    const noAuth = build([system('auth')], { auth: false })
    expect((await noAuth.request('/auth', json('POST', { label: 'a' }))).status).toBe(201)

    // UploadedFile lives under the plural "uploads" with no routes of its own: no collision with the upload routes.
    const files = build([UploadedFile, defineModel(shape, { name: 'Ledger', plural: 'transactions', enableApi: false })], { uploads })
    const lamp = { name: 'Lamp', sku: 'L', price: 3, category: 'home' }
    const tx = await files.request('/transactions', json('POST', { operations: [{ op: 'create', model: 'products', data: lamp }] }))
    expect(tx.status).toBe(200)
    expect(((await tx.json()) as { results: { model: string }[] }).results[0]?.model).toBe('products')
  })
})
