/** @jsxImportSource hono/jsx */
import { isS3verlessError, type Model } from '@s3verless/core'
import { type Context, Hono } from 'hono'
import type { RequestUser, S3verlessEnv } from '../app/env.js'
import type { AdminMount } from '../app/mount-admin.js'
import { setupDone, setupFirstAdmin } from '../auth/admin-setup.js'
import { readFormBody } from '../crud/body.js'
import { readListParams } from '../crud/list-params.js'
import { listRecords, type NumberedPage } from '../crud/list-records.js'
import type { FieldError } from '../errors/problem-details.js'
import { headersFor, problemFor } from '../errors/to-problem.js'
import { ADMIN_CSS } from './admin-css.js'
import { checkCsrf, csrfToken, issueCsrf } from './csrf.js'
import { adminFields } from './field-meta.js'
import { readForm } from './form-values.js'
import { ConfirmDelete } from './pages/delete-page.js'
import { RecordForm } from './pages/form-page.js'
import { Layout, MessagePage, type PageContext } from './pages/layout.js'
import { ListTable } from './pages/list-page.js'
import { LoginPage } from './pages/login-page.js'
import { sessionIdOf, sessionToEnd, sessionUser, signOut, startSession } from './session.js'

const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
const PAGE_SIZE = 20

type Form = Record<string, string | File | (string | File)[]>

/**
 * The admin UI (mount at `/admin`): sign-in with an HttpOnly, SameSite=Strict cookie session, admins
 * only; CSRF-checked forms; per model a table with filter, order and pages, create and edit forms
 * generated from the schema, and a delete confirmation. Server-rendered with `hono/jsx`, every value
 * escaped, no script at all (the CSP forbids it).
 */
export function adminRoutes(mount: AdminMount) {
  const { auth, ctx: crud } = mount
  const base = `${mount.prefix}/admin`
  const models = mount.models
  const userPlural = auth.userModel.plural
  const nav = models.map((m) => ({ name: m.name, plural: m.plural }))
  /** Keys the CSRF tokens (with the session id; the session id alone is already secret to others). */
  const csrfSecret = auth.settings.secretKey ?? ''
  const page = (c: Context): PageContext => ({ base, title: mount.title, csrf: csrfToken(c) })
  const form = async (c: Context): Promise<Form> => {
    const body = (await readFormBody(c)) as Form
    await checkCsrf(c, body, csrfSecret, sessionIdOf(c))
    return body
  }
  const limit = async (c: Context, endpoint: string) => {
    if (!mount.rateLimiter) return
    const info = await mount.rateLimiter.enforce({ headers: c.req.raw.headers, remoteAddress: mount.clientAddress(c) }, endpoint)
    for (const [name, value] of Object.entries(mount.rateLimiter.getRateLimitHeaders(info))) c.header(name, value)
  }
  const modelOf = (plural: string): Model | undefined => models.find((m) => m.plural === plural)
  const editable = (m: Model) => m.plural !== userPlural

  const app = new Hono<S3verlessEnv>()
  app.use('*', async (c, next) => {
    c.header('Content-Security-Policy', CSP)
    c.header('X-Frame-Options', 'DENY')
    c.header('Referrer-Policy', 'same-origin')
    c.header('Cache-Control', 'no-store')
    await issueCsrf(c, base, csrfSecret)
    await next()
  })
  app.onError((error, c) => {
    const problem = problemFor(error)
    for (const [name, value] of Object.entries(headersFor(error))) c.header(name, value)
    return c.html(<MessagePage ctx={page(c)} heading={problem.title} message={problem.detail} />, problem.status as 400)
  })
  app.get('/assets/admin.css', (c) =>
    c.body(ADMIN_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  )
  app.get('/login', (c) => c.html(<LoginPage ctx={page(c)} />))
  app.post('/login', async (c) => {
    await limit(c, 'login')
    const body = await form(c)
    const username = String(body.username ?? '')
    const user = await auth.authenticateUser(username, String(body.password ?? ''))
    if (!user || !auth.isActive(user) || !auth.isAdmin(user)) {
      return c.html(<LoginPage ctx={page(c)} username={username} error="Wrong username or password, or not an admin." />, 401)
    }
    startSession(c, base, await auth.createTokenPair(user, { deviceInfo: `admin: ${c.req.header('user-agent') ?? ''}` }))
    return c.redirect(base, 303)
  })
  app.get('/setup', async (c) => {
    if (!mount.setupToken || (await setupDone(auth))) return c.redirect(`${base}/login`, 303)
    return c.html(<LoginPage ctx={page(c)} setup />)
  })
  app.post('/setup', async (c) => {
    await limit(c, 'login')
    const body = await form(c)
    try {
      const input = {
        setupToken: String(body.setupToken ?? ''),
        username: String(body.username ?? ''),
        email: String(body.email ?? ''),
        password: String(body.password ?? ''),
      }
      await setupFirstAdmin(auth, mount.setupToken, input)
    } catch (error) {
      const problem = problemFor(error)
      if (problem.status >= 500) throw error
      return c.html(<LoginPage ctx={page(c)} setup error={problem.detail} />, problem.status as 400)
    }
    return c.redirect(`${base}/login`, 303)
  })
  // Before the session middleware, which would refresh an idle session (and mint a new refresh token) on the way out.
  app.post('/logout', async (c) => {
    const sessionId = await sessionToEnd(c, auth)
    const body = (await readFormBody(c)) as Form
    if (sessionId) await checkCsrf(c, body, csrfSecret, sessionId)
    await signOut(c, base, auth)
    return c.redirect(`${base}/login`, 303)
  })
  app.use('*', async (c, next) => {
    const user = await sessionUser(c, base, auth)
    if (!user) return c.redirect(`${base}/login`, 303)
    if (!user.isAdmin) return c.html(<MessagePage ctx={page(c)} heading="Forbidden" message="Only admins may use the admin UI." />, 403)
    c.set('user', user)
    await issueCsrf(c, base, csrfSecret, sessionIdOf(c))
    await next()
  })
  app.get('/', (c) => c.redirect(nav[0] ? `${base}/${nav[0].plural}` : `${base}/login`, 303))

  const shell = (c: Context<S3verlessEnv>, heading: string, active: string, body: unknown, status = 200) =>
    c.html(
      <Layout ctx={page(c)} heading={heading} user={c.get('user') as RequestUser} models={nav} active={active}>
        {body as never}
      </Layout>,
      status as 200,
    )

  app.get('/:plural', async (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model) return c.notFound()
    const q = c.req.query()
    const state = {
      field: q.field ?? '',
      op: q.op ?? 'eq',
      value: q.value ?? '',
      orderBy: q.orderBy ?? '',
      page: Math.max(1, Number(q.page) || 1),
      totalPages: 1,
      totalCount: 0,
    }
    const params: Record<string, string[]> = { page: [String(state.page)], pageSize: [String(PAGE_SIZE)] }
    if (state.field) params[state.op === 'eq' ? state.field : `${state.field}__${state.op}`] = [state.value]
    if (state.orderBy) params.orderBy = [state.orderBy]
    let records: Record<string, unknown>[] = []
    let notice: string | undefined
    let status = 200
    try {
      const request = readListParams(model, params, { maxLimit: 100, defaultLimit: PAGE_SIZE })
      const result = (await listRecords(
        mount.database.repository(model),
        { userId: undefined, scopedTo: undefined },
        request,
        crud,
      )) as NumberedPage<Record<string, unknown>>
      records = result.items
      state.totalPages = result.totalPages
      state.totalCount = result.totalCount
    } catch (error) {
      const problem = problemFor(error)
      if (problem.status >= 500) throw error
      notice = `${problem.detail}${problem.errors ? `: ${problem.errors.map((e) => e.message).join('; ')}` : ''}`
      status = problem.status
    }
    const table = (
      <ListTable
        base={base}
        plural={model.plural}
        name={model.name}
        fields={adminFields(model)}
        records={records}
        state={state}
        editable={editable(model)}
      />
    )
    return shell(c, model.name, model.plural, notice ? [<div class="alert">{notice}</div>, table] : table, status)
  })

  const renderForm = (
    c: Context<S3verlessEnv>,
    model: Model,
    values: Record<string, unknown>,
    errors: FieldError[],
    id?: string,
    message?: string,
    status = 200,
  ) =>
    shell(
      c,
      model.name,
      model.plural,
      <RecordForm
        ctx={page(c)}
        plural={model.plural}
        name={model.name}
        fields={adminFields(model)}
        values={values}
        errors={errors}
        {...(id ? { id } : {})}
        {...(message ? { message } : {})}
      />,
      status,
    )

  const failed = (c: Context<S3verlessEnv>, model: Model, values: Record<string, unknown>, error: unknown, id?: string) => {
    const problem = problemFor(error)
    if (problem.status >= 500) throw error
    const errors = problem.errors ?? (typeof problem.field === 'string' ? [{ path: [problem.field], message: problem.detail }] : [])
    return renderForm(c, model, values, errors, id, errors.length ? undefined : problem.detail, problem.status)
  }

  app.get('/:plural/new', (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model || !editable(model)) return c.notFound()
    return renderForm(c, model, {}, [])
  })
  app.post('/:plural/new', async (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model || !editable(model)) return c.notFound()
    const fields = adminFields(model)
    const { input, errors } = readForm(fields, await form(c))
    if (errors.length) return renderForm(c, model, input, errors, undefined, undefined, 422)
    if (model.ownerField) input[model.ownerField] = c.get('user')?.id
    try {
      const record = await mount.database.repository(model).create(input as never)
      return c.redirect(`${base}/${model.plural}/${record.id}?saved=1`, 303)
    } catch (error) {
      return failed(c, model, input, error)
    }
  })
  app.get('/:plural/:id', async (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model || !editable(model)) return c.notFound()
    const record = await mount.database
      .repository(model)
      .get(c.req.param('id'))
      .catch(() => null)
    if (!record) return c.notFound()
    const saved = c.req.query('saved') ? [<div class="notice">Saved.</div>] : []
    return shell(c, model.name, model.plural, [
      ...saved,
      <RecordForm
        ctx={page(c)}
        plural={model.plural}
        name={model.name}
        fields={adminFields(model)}
        values={record as Record<string, unknown>}
        errors={[]}
        id={record.id}
      />,
    ])
  })
  app.post('/:plural/:id', async (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model || !editable(model)) return c.notFound()
    const id = c.req.param('id')
    const { input, errors } = readForm(adminFields(model), await form(c))
    if (errors.length) return renderForm(c, model, input, errors, id, undefined, 422)
    try {
      await mount.database.repository(model).update(id, input as never)
      return c.redirect(`${base}/${model.plural}/${id}?saved=1`, 303)
    } catch (error) {
      if (isS3verlessError(error, 'model.notFound')) return c.notFound()
      return failed(c, model, input, error, id)
    }
  })
  app.get('/:plural/:id/delete', async (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model || !editable(model)) return c.notFound()
    const record = (await mount.database
      .repository(model)
      .get(c.req.param('id'))
      .catch(() => null)) as Record<string, unknown> | null
    if (!record) return c.notFound()
    const first = adminFields(model).find((f) => f.info.kind === 'string')
    const label = String((first && record[first.name]) ?? record.id)
    return shell(
      c,
      model.name,
      model.plural,
      <ConfirmDelete ctx={page(c)} plural={model.plural} name={model.name} id={String(record.id)} label={label} />,
    )
  })
  app.post('/:plural/:id/delete', async (c) => {
    const model = modelOf(c.req.param('plural'))
    if (!model || !editable(model)) return c.notFound()
    await form(c)
    await mount.database.repository(model).delete(c.req.param('id'))
    return c.redirect(`${base}/${model.plural}`, 303)
  })
  return app
}
