/** @jsxImportSource hono/jsx */
import type { AdminField } from '../field-meta.js'
import { valueText } from '../form-values.js'

/** The filter, order and page a list page shows. */
export interface ListState {
  field: string
  op: string
  value: string
  orderBy: string
  page: number
  totalPages: number
  totalCount: number
}

const OPS = [
  ['eq', '='],
  ['ne', '≠'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['icontains', 'contains'],
  ['startswith', 'starts with'],
  ['in', 'in (a,b)'],
  ['isnull', 'is empty (true/false)'],
] as const

function cell(value: unknown): string {
  const text = valueText(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

/** A model's table with its filter form, order and pagination. */
export function ListTable(props: {
  base: string
  plural: string
  name: string
  fields: AdminField[]
  records: Record<string, unknown>[]
  state: ListState
  editable: boolean
  notice?: string
}) {
  const { base, plural, fields, state } = props
  const shown = fields.slice(0, 6)
  const link = (page: number) => {
    const q = new URLSearchParams({ field: state.field, op: state.op, value: state.value, orderBy: state.orderBy, page: String(page) })
    return `${base}/${plural}?${q}`
  }
  const names = ['id', ...fields.map((f) => f.name), 'createdAt', 'updatedAt']
  return (
    <>
      <div class="head">
        <h2>{props.name}</h2>
        {props.editable ? (
          <a class="btn" href={`${base}/${plural}/new`}>
            New {props.name}
          </a>
        ) : null}
      </div>
      {props.notice ? <div class="notice">{props.notice}</div> : null}
      <form class="card toolbar" method="get" action={`${base}/${plural}`}>
        <label>
          Field
          <select name="field">
            <option value="">(no filter)</option>
            {names.map((n) => (
              <option value={n} selected={n === state.field}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Operator
          <select name="op">
            {OPS.map(([op, label]) => (
              <option value={op} selected={op === state.op}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Value
          <input type="text" name="value" value={state.value} />
        </label>
        <label>
          Order by
          <select name="orderBy">
            <option value="">(creation)</option>
            {names.flatMap((n) => [
              <option value={n} selected={n === state.orderBy}>
                {n} ↑
              </option>,
              <option value={`-${n}`} selected={`-${n}` === state.orderBy}>
                {n} ↓
              </option>,
            ])}
          </select>
        </label>
        <button class="btn secondary" type="submit">
          Apply
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th>id</th>
            {shown.map((f) => (
              <th>{f.name}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {props.records.length === 0 ? (
            <tr>
              <td colspan={shown.length + 2} class="muted">
                No records.
              </td>
            </tr>
          ) : null}
          {props.records.map((r) => (
            <tr>
              <td class="mono" title={String(r.id)}>
                …{String(r.id).slice(-8)}
              </td>
              {shown.map((f) => (
                <td>{cell(r[f.name])}</td>
              ))}
              <td>{props.editable ? <a href={`${base}/${plural}/${r.id}`}>Edit</a> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        {state.page > 1 ? <a href={link(state.page - 1)}>← Previous</a> : null}
        <span>
          Page {state.page} of {Math.max(1, state.totalPages)} · {state.totalCount} records
        </span>
        {state.page < state.totalPages ? <a href={link(state.page + 1)}>Next →</a> : null}
      </div>
    </>
  )
}
