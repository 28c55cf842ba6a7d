import { ACCESS_OPERATIONS, type Model, type ResolvedAccessRule } from '@s3verless/core'
import { resolveAccess } from '@s3verless/core/internal'

/** One model as `inspect` describes it. */
export interface ModelInfo {
  name: string
  plural: string
  fields: { name: string; type: string; optional: boolean; nullable: boolean }[]
  unique: string[]
  indexed: string[]
  indexedDescending: string[]
  ownerField: string | null
  hidden: string[]
  relations: { name: string; kind: string; model: string; foreignKey: string; onDelete: string }[]
  /** Who may do what over HTTP (`public`, `signedIn`, `owner`, `role:<name>`, `predicate`), or null when it has no API. */
  access: Record<string, string> | null
  version: number
  /** The index catalog: built (`ready`) and declared but not built (`building`); null without a store. */
  indexes: { ready: string[]; building: string[] } | null
}

const ruleName = (rule: ResolvedAccessRule): string =>
  typeof rule === 'string' ? rule : typeof rule === 'function' ? 'predicate' : `role:${rule.role}`

/** What `inspect` reports of a model (without its index catalog, which needs the store). */
export function describeModel(model: Model): Omit<ModelInfo, 'indexes'> {
  const fields = Object.entries(model.fields).map(([name, f]) => ({
    name,
    type: f.kind === 'array' && f.element ? `${f.element}[]` : f.kind,
    optional: f.optional,
    nullable: f.nullable,
  }))
  const access = model.enableApi
    ? Object.fromEntries(
        Object.entries(resolveAccess(model.name, model.access, model)).map(([op, rule]) => [op, ruleName(rule as ResolvedAccessRule)]),
      )
    : null
  return {
    name: model.name,
    plural: model.plural,
    fields,
    unique: [...model.unique],
    indexed: [...model.indexed],
    indexedDescending: [...model.indexedDescending],
    ownerField: model.ownerField ?? null,
    hidden: [...model.hidden],
    relations: Object.entries(model.relations).map(([name, r]) => ({
      name,
      kind: r.kind,
      model: r.model,
      foreignKey: r.foreignKey,
      onDelete: r.onDelete,
    })),
    access,
    version: model.version,
  }
}

/** `inspect`'s text: a block per model, then the routes when an app was given. */
export function formatInspect(
  models: readonly ModelInfo[],
  routes: readonly { method: string; path: string }[] | null,
  store: string,
): string {
  const out: string[] = []
  for (const m of models) {
    out.push(`${m.name}  /${m.plural}${m.version > 1 ? `  (schema version ${m.version})` : ''}`)
    for (const f of m.fields) {
      const marks = [f.optional ? 'optional' : '', f.nullable ? 'nullable' : '', m.unique.includes(f.name) ? 'unique' : '']
      marks.push(m.indexed.includes(f.name) ? 'indexed' : '', m.indexedDescending.includes(f.name) ? 'indexed desc' : '')
      marks.push(m.hidden.includes(f.name) ? 'hidden' : '', m.ownerField === f.name ? 'owner' : '')
      out.push(`  ${f.name.padEnd(16)} ${f.type.padEnd(9)} ${marks.filter(Boolean).join(', ')}`.trimEnd())
    }
    const timestamps = ['createdAt', 'updatedAt'].filter((t) => m.indexed.includes(t) || m.indexedDescending.includes(t))
    if (timestamps.length)
      out.push(`  indexed timestamps: ${timestamps.map((t) => (m.indexedDescending.includes(t) ? `${t} (desc)` : t)).join(', ')}`)
    for (const r of m.relations) out.push(`  relation ${r.name}: ${r.kind} ${r.model} by ${r.foreignKey}, on delete ${r.onDelete}`)
    out.push(`  access: ${m.access ? ACCESS_OPERATIONS.map((op) => `${op} ${m.access?.[op]}`).join(', ') : 'no API'}`)
    if (m.indexes) {
      out.push(`  indexes ready: ${m.indexes.ready.join(', ') || 'none'}`)
      if (m.indexes.building.length) out.push(`  indexes NOT built: ${m.indexes.building.join(', ')} (run s3verless reindex ${m.name})`)
    }
    out.push('')
  }
  out.push(`Index state from ${store}.`)
  if (routes) {
    out.push('', 'Routes:')
    for (const r of routes) out.push(`  ${r.method.padEnd(7)} ${r.path}`)
  }
  return `${out.join('\n')}\n`
}
