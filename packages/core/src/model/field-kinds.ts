import type * as z from 'zod'

/** What a schema field holds, as far as storage, indexes and queries care. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'array' | 'object' | 'bigint' | 'other'

/** What {@link describeField} finds out about one field. */
export interface FieldInfo {
  kind: FieldKind
  /** Accepts `undefined` (optional or has a default). */
  optional: boolean
  /** Accepts `null`. */
  nullable: boolean
  /** For arrays: the element kind. */
  element?: FieldKind
}

interface Def {
  type: string
  innerType?: { def: Def }
  element?: { def: Def }
  in?: { def: Def }
}

const defOf = (schema: unknown): Def => (schema as { def: Def }).def

/** Looks through optional/nullable/default/readonly/pipe wrappers to the field's own type. */
export function describeField(schema: z.ZodType): FieldInfo {
  let def = defOf(schema)
  let optional = false
  let nullable = false
  for (let depth = 0; depth < 10; depth++) {
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true
    else if (def.type === 'nullable') nullable = true
    else if (def.type === 'pipe' && def.in) {
      def = def.in.def
      continue
    } else if (def.type !== 'readonly' && def.type !== 'catch') break
    if (!def.innerType) break
    def = def.innerType.def
  }
  const kind = kindOf(def.type)
  return {
    kind,
    optional,
    nullable,
    ...(kind === 'array' && def.element ? { element: describeField(def.element as unknown as z.ZodType).kind } : {}),
  }
}

function kindOf(type: string): FieldKind {
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'date':
    case 'enum':
    case 'array':
    case 'object':
      return type
    case 'int':
      return 'number'
    case 'bigint':
      return 'bigint'
    case 'literal':
      return 'other'
    default:
      return 'other'
  }
}

/** Field kinds whose values can be encoded into index and unique keys. */
export const INDEXABLE_KINDS: ReadonlySet<FieldKind> = new Set(['string', 'number', 'boolean', 'date', 'enum', 'other'])
