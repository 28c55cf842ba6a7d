/**
 * Filter operators, named as in the spec (`price__gt`, `name__icontains`, …), and their aliases.
 */

/** Every filter operator. `eq` is also what a bare field name (`{ price: 5 }`) means. */
export const OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'isnull',
] as const

/** A filter operator. */
export type Operator = (typeof OPERATORS)[number]

/**
 * Alternative spellings and the operator each stands for. `is_not_null` is `isnull` with its
 * boolean negated: `{ email__is_not_null: true }` means `{ email__isnull: false }`.
 */
export const OPERATOR_ALIASES = Object.freeze({
  neq: 'ne',
  not_in: 'nin',
  starts_with: 'startswith',
  ends_with: 'endswith',
  is_null: 'isnull',
  is_not_null: 'isnull',
} as const satisfies Record<string, Operator>)

/** An alias accepted in place of an operator name. */
export type OperatorAlias = keyof typeof OPERATOR_ALIASES

/** Aliases whose (boolean) value is negated when resolved. */
const NEGATING_ALIASES: ReadonlySet<string> = new Set<OperatorAlias>(['is_not_null'])

const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS)

/** An operator name or alias after resolution. */
export interface ResolvedOperator {
  op: Operator
  /** True for `is_not_null`: the condition's boolean value must be negated. */
  negate: boolean
}

/** Resolves an operator name or alias (case-sensitive); `undefined` when it is neither. */
export function resolveOperator(name: string): ResolvedOperator | undefined {
  if (OPERATOR_SET.has(name)) return { op: name as Operator, negate: false }
  if (Object.hasOwn(OPERATOR_ALIASES, name)) {
    return { op: OPERATOR_ALIASES[name as OperatorAlias], negate: NEGATING_ALIASES.has(name) }
  }
  return undefined
}

/** Human-readable list of the valid operators and aliases, for error messages. */
export function describeOperators(): string {
  const aliases = Object.entries(OPERATOR_ALIASES).map(([alias, op]) => `${alias} (${alias === 'is_not_null' ? 'not ' : ''}${op})`)
  return `${OPERATORS.join(', ')}; aliases: ${aliases.join(', ')}`
}
