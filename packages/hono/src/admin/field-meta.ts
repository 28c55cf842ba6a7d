import type { FieldInfo, Model } from '@s3verless/core'

/** How the admin shows and reads one field. */
export interface AdminField {
  name: string
  info: FieldInfo
  /** The choices of an enum field. */
  options?: string[]
  /** Shown but not editable (the owner field). */
  readOnly: boolean
}

interface Def {
  type: string
  innerType?: { def: Def }
  in?: { def: Def }
  entries?: Record<string, string | number>
}

function enumOptions(schema: unknown): string[] | undefined {
  let def = (schema as { def: Def }).def
  for (let depth = 0; depth < 10 && def; depth++) {
    if (def.type === 'enum' && def.entries) return Object.values(def.entries).map(String)
    const next = def.innerType?.def ?? (def.type === 'pipe' ? def.in?.def : undefined)
    if (!next) return undefined
    def = next
  }
  return undefined
}

/** The fields of a model as the admin forms and tables show them: all but its hidden ones (the user model's password hash and bookkeeping). */
export function adminFields(model: Model): AdminField[] {
  const shape = (model.schema as unknown as { shape: Record<string, unknown> }).shape
  return Object.entries(model.fields)
    .filter(([name]) => !model.hidden.includes(name))
    .map(([name, info]) => {
      const options = info.kind === 'enum' ? enumOptions(shape[name]) : undefined
      return { name, info, ...(options ? { options } : {}), readOnly: name === model.ownerField }
    })
}
