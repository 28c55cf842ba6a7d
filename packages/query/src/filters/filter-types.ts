import type { Operator, OperatorAlias } from './operators.js'

/** One parsed filter condition: `field op value`. Conditions in a list are ANDed. */
export interface Condition {
  /** The record field the condition reads. */
  field: string
  op: Operator
  /** The operand: an array for `in`/`nin`, a boolean for `isnull`, a string for the text operators. */
  value: unknown
}

/** Values that ordering operators (`gt`, `gte`, `lt`, `lte`) compare. */
type Orderable = number | bigint | string | boolean | Date

/** What a filter may compare a field of type `V` with: Date fields also take ISO-8601 strings. */
type Operand<V> = V extends Date ? Date | string : V

/** Operators (with their operand types) that apply to a non-null field type `V`. */
type OperatorsFor<V> = {
  eq: Operand<V> | null
  ne: Operand<V> | null
  neq: Operand<V> | null
  in: readonly (Operand<V> | null)[]
  nin: readonly (Operand<V> | null)[]
  not_in: readonly (Operand<V> | null)[]
  isnull: boolean
  is_null: boolean
  is_not_null: boolean
} & ([V] extends [Orderable] ? { gt: Operand<V>; gte: Operand<V>; lt: Operand<V>; lte: Operand<V> } : unknown) &
  ([V] extends [string]
    ? { contains: string; icontains: string; startswith: string; starts_with: string; endswith: string; ends_with: string }
    : unknown) &
  ([V] extends [readonly (infer E)[]] ? { contains: E } : unknown)

/** `[key, operand type]` for the bare field key and every `field__op` key that applies. */
type FieldEntries<K extends string, V> =
  | [K, Operand<V> | null]
  | { [O in keyof OperatorsFor<V> & (Operator | OperatorAlias)]: [`${K}__${O}`, OperatorsFor<V>[O]] }[keyof OperatorsFor<V> &
      (Operator | OperatorAlias)]

type Entries<T> = { [K in keyof T & string]-?: FieldEntries<K, NonNullable<T[K]>> }[keyof T & string]

/**
 * A typed filter for records of type `T`: bare field keys mean equality, `field__op` keys apply an
 * operator (`price__gt`, `name__icontains`, `tags__contains`, `deletedAt__isnull`, aliases too).
 * Only the operators that fit the field's type are offered, with operands of that type; an unknown
 * field or operator is a type error.
 * @example
 * type Product = { name: string; price: number; createdAt: Date; tags: string[] }
 * const f: FilterInput<Product> = { price__gte: 5, name__icontains: 'lamp', tags__contains: 'sale' }
 */
export type FilterInput<T> = { [E in Entries<T> as E[0]]?: E[1] }
