import { Hono } from 'hono'
import { html } from 'hono/html'
import { DOCS_ASSET_FILES, type DocsAssetFile, type DocsAssets } from './docs-assets.js'

const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: new URL('openapi.json', document.baseURI).href, dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true, persistAuthorization: false })
})
`
const CONTENT_TYPES: Record<DocsAssetFile, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

/**
 * The interactive API docs (swagger-ui) at `GET /docs`, loading its assets from `/docs/assets/…`
 * served by this app (never a CDN) and the spec from `openapi.json` beside the docs page. Without
 * `assets`, the page says how to provide them.
 */
export function docsRoute(title: string, assets: DocsAssets | undefined) {
  const app = new Hono()
  app.get('/docs', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    )
    if (!assets) {
      return c.html(
        html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} – docs</title></head><body><h1>${title}</h1><p>The OpenAPI document is at <a href="openapi.json">openapi.json</a>. To show interactive docs, give the app <code>docsAssets</code> (on Node: <code>nodeDocsAssets()</code> from <code>@s3verless/hono/node</code>).</p></body></html>`,
      )
    }
    return c.html(
      html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – API docs</title><base href="${new URL(c.req.url).pathname.replace(/[^/]*$/, '')}">
<link rel="stylesheet" href="docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script><script src="docs/init.js"></script></body></html>`,
    )
  })
  app.get('/docs/init.js', (c) => c.body(INIT_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file') as DocsAssetFile
    if (!assets || !DOCS_ASSET_FILES.includes(file)) return c.notFound()
    const body = await assets(file)
    if (body === null) return c.notFound()
    return c.body(body as never, 200, { 'content-type': CONTENT_TYPES[file], 'cache-control': 'public, max-age=86400' })
  })
  return app
}
