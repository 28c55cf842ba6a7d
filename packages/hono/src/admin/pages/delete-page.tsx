/** @jsxImportSource hono/jsx */
import { CsrfField, type PageContext } from './layout.js'

/** Asks to confirm a delete (no script needed: the confirmation is its own page). */
export function ConfirmDelete(props: { ctx: PageContext; plural: string; name: string; id: string; label: string }) {
  const { ctx } = props
  return (
    <div class="card">
      <h2>Delete this {props.name}?</h2>
      <p>
        <strong>{props.label}</strong> <span class="mono muted">({props.id})</span> will be deleted. This cannot be undone.
      </p>
      <form method="post" action={`${ctx.base}/${props.plural}/${props.id}/delete`}>
        <CsrfField ctx={ctx} />
        <button class="btn danger" type="submit">
          Delete
        </button>{' '}
        <a class="btn secondary" href={`${ctx.base}/${props.plural}/${props.id}`}>
          Cancel
        </a>
      </form>
    </div>
  )
}
