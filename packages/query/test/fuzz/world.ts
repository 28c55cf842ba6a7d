import { createDatabase, defineModel, type Model, memoryStore } from '@s3verless/core'
import * as z from 'zod'
import type { Rng } from './rng.js'
import { ENUM_VALUES, type Kind, randomValue } from './values.js'

/** One field of a random model. */
export interface FieldSpec {
  name: string
  kind: Kind
  nullable: boolean
  optional: boolean
  unique: boolean
  indexed: boolean
  descending: boolean
}

/** A stored record as the reference sees it (what the repository returned for the last write). */
export type Rec = Record<string, unknown> & { id: string; createdAt: Date; updatedAt: Date }

const KINDS: readonly Kind[] = ['string', 'number', 'boolean', 'date', 'enum', 'array']

function schemaOf(field: FieldSpec): z.ZodType {
  let s: z.ZodType
  switch (field.kind) {
    case 'string':
      s = z.string()
      break
    case 'number':
      s = z.number()
      break
    case 'boolean':
      s = z.boolean()
      break
    case 'date':
      s = z.date()
      break
    case 'enum':
      s = z.enum(ENUM_VALUES)
      break
    case 'array':
      s = z.array(z.string())
  }
  if (field.nullable) s = s.nullable()
  if (field.optional) s = s.optional()
  return s
}

/** A random model: 3–6 fields of every kind, some nullable or optional, some unique, indexed or descending-indexed. */
export function randomFields(rng: Rng): FieldSpec[] {
  const count = 3 + rng.int(4)
  const fields: FieldSpec[] = []
  // At least one string and one number, so ranges, prefixes and long strings show up in every model.
  const kinds: Kind[] = ['string', 'number', ...Array.from({ length: count - 2 }, () => rng.pick(KINDS))]
  kinds.forEach((kind, i) => {
    const orderable = kind === 'number' || kind === 'date' || kind === 'boolean'
    const unique = (kind === 'string' || kind === 'number') && rng.chance(0.3)
    fields.push({
      name: `f${i}${kind[0]}`,
      kind,
      nullable: !unique && rng.chance(0.35),
      optional: rng.chance(unique ? 0.2 : 0.3),
      unique,
      indexed: kind !== 'array' && rng.chance(0.7),
      descending: orderable && rng.chance(0.5),
    })
  })
  return fields
}

/** The model of `fields`, with random indexes on `createdAt`/`updatedAt` too. */
export function modelOf(rng: Rng, fields: FieldSpec[], n: number): Model {
  const shape = Object.fromEntries(fields.map((f) => [f.name, schemaOf(f)]))
  const indexed: string[] = fields.filter((f) => f.indexed).map((f) => f.name)
  const descending: string[] = fields.filter((f) => f.descending).map((f) => f.name)
  if (rng.chance(0.3)) indexed.push('createdAt')
  if (rng.chance(0.5)) descending.push('createdAt')
  if (rng.chance(0.3)) indexed.push('updatedAt')
  return defineModel(z.object(shape), {
    name: `Fuzz${n}`,
    plural: `fuzz${n}s`,
    unique: fields.filter((f) => f.unique).map((f) => f.name) as never,
    indexed: indexed as never,
    indexedDescending: descending as never,
  })
}

/** A fresh database holding one repository of `model` on a memory store. */
export function openRepo(model: Model) {
  return createDatabase({ store: memoryStore(), models: [model] }).repository(model)
}

let uniqueCounter = 0

/** A value for a unique field that no other record holds (sometimes long, so its claim is hashed). */
function uniqueValue(rng: Rng, field: FieldSpec): unknown {
  uniqueCounter++
  if (field.kind === 'number') return rng.chance(0.5) ? uniqueCounter : -uniqueCounter / 4
  return rng.chance(0.2) ? `${'U'.repeat(300)}${uniqueCounter}` : `u${uniqueCounter}${rng.pick(['', 'é', '😀'])}`
}

/** Random field values for a create (all fields) or an update (some fields). */
export function randomData(rng: Rng, fields: FieldSpec[], partial: boolean): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const f of fields) {
    if (partial && rng.chance(0.6)) continue
    if (f.optional && rng.chance(0.15)) continue
    if (f.nullable && rng.chance(0.15)) {
      data[f.name] = null
      continue
    }
    data[f.name] = f.unique ? uniqueValue(rng, f) : randomValue(rng, f.kind)
  }
  return data
}

/** A caller-chosen id: a random UUIDv4, or a UUIDv7 whose time is far from its record's creation; sometimes upper-case. */
export function chosenId(rng: Rng): string {
  const id = rng.chance(0.5) ? rng.uuid() : rng.uuidv7At(rng.chance(0.5) ? rng.int(2 ** 40) : 2 ** 47 + rng.int(2 ** 40))
  return rng.chance(0.2) ? id.toUpperCase() : id // stored lower-case
}

/** A record as the repository returned it, without the non-enumerable `$etag`. */
export const plain = (record: Record<string, unknown>): Rec => ({ ...record }) as Rec
