import type { RelationEngine } from '../repository/relation-engine.js'
import type { Model } from './define-model.js'
import { ModelDefinitionError } from './model-errors.js'
import { RELATION_ENGINE } from './relation-engine-key.js'
import type { OnDelete } from './relations.js'

/** A rule for what deleting a record does to records of another model that point to it. */
export interface DependentRule {
  /** The model whose records point here. */
  model: Model
  /** Their field holding our id. */
  foreignKey: string
  onDelete: OnDelete
  /** The relation that declared it, as `Model.relation`. */
  via: string
  /** At most one dependent (a `hasOne`). */
  single: boolean
}

/** The models of one application, checked together. Create one per app (or test): there is no global. */
export interface Registry {
  readonly models: readonly Model[]
  /** The model with this name (or plural); throws a clear error for an unknown one. */
  get(nameOrPlural: string): Model
  /** Like {@link get}, `undefined` when unknown. */
  find(nameOrPlural: string): Model | undefined
  /** Every field of `model` that needs an index: its own, foreign keys of its relations and those others point at. */
  indexedFields(model: Model): readonly string[]
  /** What deleting a record of `model` does to other models' records. */
  dependents(model: Model): readonly DependentRule[]
  /** The delete protocol for relation rules, when some model declares a relation (the relations carry it). */
  readonly relationEngine: RelationEngine | undefined
}

/**
 * Checks a set of models together: distinct names and plurals, relations pointing at known models and
 * existing foreign-key fields, no contradictory delete rules.
 * @throws ModelDefinitionError naming the model and relation at fault.
 * @example
 * const registry = createRegistry([User, Post])
 */
export function createRegistry(models: readonly Model[]): Registry {
  const byName = new Map<string, Model>()
  const byPlural = new Map<string, Model>()
  for (const model of models) {
    if (byName.has(model.name)) throw new ModelDefinitionError(`Two models are named ${model.name}`)
    const clash = byPlural.get(model.plural.toLowerCase())
    if (clash)
      throw new ModelDefinitionError(`Models ${clash.name} and ${model.name} share the plural "${model.plural}"; give one another plural`)
    byName.set(model.name, model)
    byPlural.set(model.plural.toLowerCase(), model)
  }
  const find = (key: string) => byName.get(key) ?? byPlural.get(key.toLowerCase())

  const extraIndexes = new Map<Model, Set<string>>()
  const dependents = new Map<Model, DependentRule[]>()
  const addDependent = (target: Model, rule: DependentRule) => {
    const list = dependents.get(target) ?? []
    const same = list.find((r) => r.model === rule.model && r.foreignKey === rule.foreignKey)
    if (same) {
      if (same.onDelete !== rule.onDelete && same.onDelete !== 'doNothing' && rule.onDelete !== 'doNothing') {
        throw new ModelDefinitionError(`${same.via} and ${rule.via} disagree on onDelete (${same.onDelete} vs ${rule.onDelete})`)
      }
      if (same.onDelete === 'doNothing') Object.assign(same, { onDelete: rule.onDelete, via: rule.via })
      same.single ||= rule.single
      return
    }
    list.push(rule)
    dependents.set(target, list)
  }

  let relationEngine: RelationEngine | undefined
  for (const model of models) {
    for (const [relName, relation] of Object.entries(model.relations)) {
      relationEngine ??= (relation as { [RELATION_ENGINE]?: RelationEngine })[RELATION_ENGINE]
      const via = `${model.name}.${relName}`
      const other = find(relation.model)
      if (!other)
        throw new ModelDefinitionError(`${via} points to unknown model "${relation.model}" (known: ${[...byName.keys()].join(', ')})`)
      if (relation.kind === 'belongsTo') {
        addDependent(other, { model, foreignKey: relation.foreignKey, onDelete: relation.onDelete, via, single: false })
      } else {
        if (!(relation.foreignKey in other.fields)) {
          throw new ModelDefinitionError(`${via} uses foreign key "${relation.foreignKey}", which ${other.name} does not have`)
        }
        const set = extraIndexes.get(other) ?? new Set<string>()
        set.add(relation.foreignKey)
        extraIndexes.set(other, set)
        addDependent(model, {
          model: other,
          foreignKey: relation.foreignKey,
          onDelete: relation.onDelete,
          via,
          single: relation.kind === 'hasOne',
        })
      }
      if (relation.onDelete === 'setNull') {
        const holder = relation.kind === 'belongsTo' ? model : other
        if (!holder.fields[relation.foreignKey]?.nullable) {
          throw new ModelDefinitionError(`${via} is onDelete: setNull but ${holder.name}.${relation.foreignKey} is not nullable`)
        }
      }
    }
  }

  const indexCache = new Map<Model, readonly string[]>()
  return {
    models: [...models],
    find,
    get(key) {
      const model = find(key)
      if (!model) throw new ModelDefinitionError(`Unknown model "${key}" (known: ${[...byName.keys()].join(', ')})`)
      return model
    },
    indexedFields(model) {
      let fields = indexCache.get(model)
      if (!fields) {
        fields = [...new Set([...model.indexed, ...(extraIndexes.get(model) ?? [])])]
        indexCache.set(model, fields)
      }
      return fields
    },
    dependents: (model) => dependents.get(model) ?? [],
    relationEngine,
  }
}
