/** @jsxImportSource hono/jsx */
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { RequestUser } from '../../app/env.js'
import { CSRF_FIELD } from '../csrf.js'

/** What every admin page knows. */
export interface PageContext {
  /** The admin's base path, e.g. `/admin`. */
  base: string
  title: string
  csrf: string
}

/** The HTML document around every admin page, with its doctype (standards mode, never quirks). */
export function Document(props: { ctx: PageContext; heading: string; children: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.heading} · ${props.ctx.title} admin`}</title>
          <link rel="stylesheet" href={`${props.ctx.base}/assets/admin.css`} />
        </head>
        <body>{props.children}</body>
      </html>
    </>
  )
}

/** A page that only says one thing (an error, a refusal). */
export function MessagePage(props: { ctx: PageContext; heading: string; message: string }) {
  return (
    <Document ctx={props.ctx} heading={props.heading}>
      <main>
        <h1>{props.heading}</h1>
        <p>{props.message}</p>
      </main>
    </Document>
  )
}

/** A signed-in page: the sidebar of models and the page's content. */
export function Layout(props: {
  ctx: PageContext
  heading: string
  user: RequestUser
  models: { name: string; plural: string }[]
  active?: string
  children: Child
}) {
  const { ctx } = props
  return (
    <Document ctx={ctx} heading={props.heading}>
      <div class="shell">
        <nav class="sidebar">
          <h1>{ctx.title}</h1>
          {props.models.map((m) => (
            <a href={`${ctx.base}/${m.plural}`} class={m.plural === props.active ? 'active' : ''}>
              {m.name}
            </a>
          ))}
          <div class="who">
            Signed in as <strong>{props.user.username}</strong>
            <form method="post" action={`${ctx.base}/logout`}>
              <input type="hidden" name={CSRF_FIELD} value={ctx.csrf} />
              <button type="submit">Sign out</button>
            </form>
          </div>
        </nav>
        <main>{props.children}</main>
      </div>
    </Document>
  )
}

/** The hidden CSRF field of a form. */
export const CsrfField = (props: { ctx: PageContext }) => <input type="hidden" name={CSRF_FIELD} value={props.ctx.csrf} />
