/** @jsxImportSource hono/jsx */
import type { FieldError } from '../../errors/problem-details.js'
import type { AdminField } from '../field-meta.js'
import { valueText } from '../form-values.js'
import { CsrfField, type PageContext } from './layout.js'

function Input(props: { field: AdminField; value: unknown }) {
  const { field, value } = props
  const { kind } = field.info
  const id = `f-${field.name}`
  if (field.readOnly) return <input id={id} type="text" value={valueText(value)} disabled />
  if (kind === 'boolean') return <input id={id} type="checkbox" name={field.name} value="true" checked={value === true} />
  if (field.options) {
    return (
      <select id={id} name={field.name}>
        {field.info.optional || field.info.nullable ? <option value="">(none)</option> : null}
        {field.options.map((o) => (
          <option value={o} selected={o === value}>
            {o}
          </option>
        ))}
      </select>
    )
  }
  if (kind === 'array' || kind === 'object')
    return (
      <textarea id={id} name={field.name}>
        {valueText(value)}
      </textarea>
    )
  if (kind === 'number') return <input id={id} type="number" step="any" name={field.name} value={valueText(value)} />
  return (
    <input id={id} type="text" name={field.name} value={valueText(value)} placeholder={kind === 'date' ? '2026-01-31T12:00:00Z' : ''} />
  )
}

/** The create or edit form of a record, generated from the model's fields, with errors beside fields. */
export function RecordForm(props: {
  ctx: PageContext
  plural: string
  name: string
  fields: AdminField[]
  values: Record<string, unknown>
  errors: FieldError[]
  id?: string
  message?: string
}) {
  const { ctx, fields } = props
  const errorFor = (name: string) => props.errors.filter((e) => e.path[0] === name).map((e) => e.message)
  const general = props.errors.filter((e) => !fields.some((f) => f.name === e.path[0]))
  const action = props.id ? `${ctx.base}/${props.plural}/${props.id}` : `${ctx.base}/${props.plural}/new`
  return (
    <>
      <div class="head">
        <h2>{props.id ? `Edit ${props.name}` : `New ${props.name}`}</h2>
        <a href={`${ctx.base}/${props.plural}`}>← Back to the list</a>
      </div>
      {props.message ? <div class="alert">{props.message}</div> : null}
      {general.map((e) => (
        <div class="alert">{`${e.path.join('.') || 'record'}: ${e.message}`}</div>
      ))}
      <form class="card" method="post" action={action}>
        <CsrfField ctx={ctx} />
        {props.id ? (
          <p class="muted mono">
            id {props.id} · created {valueText(props.values.createdAt)} · updated {valueText(props.values.updatedAt)}
          </p>
        ) : null}
        {fields.map((field) => (
          <div class="field">
            <label for={`f-${field.name}`}>
              {field.name}
              {field.info.optional || field.info.kind === 'boolean' ? '' : ' *'}
            </label>
            <Input field={field} value={props.values[field.name]} />
            {errorFor(field.name).map((message) => (
              <div class="error">{message}</div>
            ))}
          </div>
        ))}
        <button class="btn" type="submit">
          Save
        </button>{' '}
        {props.id ? (
          <a class="btn danger" href={`${ctx.base}/${props.plural}/${props.id}/delete`}>
            Delete…
          </a>
        ) : null}
      </form>
    </>
  )
}
