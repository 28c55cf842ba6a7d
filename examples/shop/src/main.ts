// The demo that `npm start` serves: the shop on Node, on the embedded file-system store (or real S3
// when AWS_BUCKET_NAME and friends are set). Prints where the API, docs and admin are, and how to
// make the first admin: there are no default credentials.
import { randomBytes } from 'node:crypto'
import { serve } from '@hono/node-server'
import { setupDone } from '@s3verless/hono'
import { nodeDocsAssets } from '@s3verless/hono/node'
import { createShop, trustedProxiesFrom } from './app.js'
import { nodeRuntime } from './node-setup.js'
import { addSampleData, wantsSampleData } from './sample-data.js'

const port = Number(process.env.PORT ?? 3000)
const hostname = process.env.HOST ?? '127.0.0.1'
const { settings, store, where } = nodeRuntime()
const setupToken = randomBytes(18).toString('base64url')
// Client addresses come from the socket; behind a reverse proxy, list it in TRUSTED_PROXIES (e.g. 127.0.0.1,10.0.0.0/8).
const trustedProxies = trustedProxiesFrom(process.env.TRUSTED_PROXIES)
const { app, auth, builder } = createShop({ settings, store, setupToken, docsAssets: nodeDocsAssets(), trustedProxies })

// A first look shows a catalogue: sample products in an empty shop (never added to one with products).
if (wantsSampleData(process.argv, process.env)) {
  const added = await addSampleData(builder.appData.database)
  console.log(
    added > 0
      ? `Added ${added} sample products to the empty shop (start with --no-sample-data or S3VERLESS_SAMPLE_DATA=0 to skip).`
      : 'The shop has products: no sample data added.',
  )
} else console.log('Sample data skipped (--no-sample-data or S3VERLESS_SAMPLE_DATA=0).')

const server = serve({ fetch: app.fetch, hostname, port }, async (info) => {
  const base = `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${info.port}`
  const line = (label: string, text: string) => console.log(`  \x1b[1m${label.padEnd(8)}\x1b[0m ${text}`)
  console.log(`\nS3verless shop, storing data in ${where}\n`)
  line('API', `${base}/   (e.g. ${base}/products?category=home&orderBy=-price)`)
  line('Docs', `${base}/docs   (OpenAPI: ${base}/openapi.json)`)
  line('Admin', `${base}/admin`)
  line('Health', `${base}/health`)
  const done = auth ? await setupDone(auth).catch(() => false) : true
  if (!done) {
    console.log('\nNo admin yet. Make the first one, either:')
    console.log(`  - in the browser: ${base}/admin/setup with the one-time setup token ${setupToken}`)
    console.log(`  - or from a shell:  npm run create-admin --prefix examples/shop -- <username> <email>   (asks for the password)`)
    console.log('  The token works once and only for this run.')
  } else {
    console.log(
      '\nSign in to the admin with an admin account (make more with: npm run create-admin --prefix examples/shop -- <username> <email>).',
    )
  }
  console.log('\nPress Ctrl+C to stop.')
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)))
