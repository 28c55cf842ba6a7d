/** @jsxImportSource hono/jsx */
import { CsrfField, Document, type PageContext } from './layout.js'

/** The admin sign-in form (and, with a setup token configured, the first-admin setup form). */
export function LoginPage(props: { ctx: PageContext; error?: string; username?: string; setup?: boolean }) {
  const { ctx } = props
  return (
    <Document ctx={ctx} heading={props.setup ? 'First admin' : 'Sign in'}>
      <div class="login card">
        <h2>{props.setup ? 'Create the first admin' : `${ctx.title} admin`}</h2>
        {props.error ? <div class="alert">{props.error}</div> : null}
        <form method="post" action={`${ctx.base}/${props.setup ? 'setup' : 'login'}`}>
          <CsrfField ctx={ctx} />
          {props.setup ? (
            <div class="field">
              <label for="setupToken">Setup token (printed when the server started)</label>
              <input id="setupToken" name="setupToken" type="password" required autocomplete="off" />
            </div>
          ) : null}
          <div class="field">
            <label for="username">Username</label>
            <input id="username" name="username" type="text" required value={props.username ?? ''} autocomplete="username" />
          </div>
          {props.setup ? (
            <div class="field">
              <label for="email">Email</label>
              <input id="email" name="email" type="text" required autocomplete="email" />
            </div>
          ) : null}
          <div class="field">
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              required
              autocomplete={props.setup ? 'new-password' : 'current-password'}
            />
          </div>
          <button class="btn" type="submit">
            {props.setup ? 'Create admin' : 'Sign in'}
          </button>
        </form>
      </div>
    </Document>
  )
}
