/** The parts of a zod 4 schema's definition the generator reads (zod's public `def`, typed loosely). */
export interface Def {
  type: string
  format?: string
  pattern?: RegExp
  checks?: { _zod: { def: CheckDef } }[]
  innerType?: Schema
  element?: Schema
  shape?: Record<string, Schema>
  entries?: Record<string, string | number>
  values?: readonly unknown[]
  options?: readonly Schema[]
  in?: Schema
  keyType?: Schema
  valueType?: Schema
  items?: readonly Schema[]
  getter?: () => Schema
}

/** One check of a schema (`min_length`, `greater_than`, `string_format`…). */
export interface CheckDef {
  check: string
  minimum?: number | bigint | Date
  maximum?: number | bigint | Date
  length?: number
  value?: number | bigint | Date
  inclusive?: boolean
  format?: string
  pattern?: RegExp
  prefix?: string
  suffix?: string
  includes?: string
}

/** A zod schema as far as generation cares: its `def` and `safeParse`. */
export interface Schema {
  def: Def
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }
}

export const defOf = (schema: Schema): Def => schema.def
export const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def)
