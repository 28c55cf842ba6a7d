import { type RelationEngine, relationEngine } from '../repository/relation-engine.js'
import { RELATION_ENGINE } from './relation-engine-key.js'

/** What happens to related records when the record they point to is deleted. */
export type OnDelete = 'cascade' | 'setNull' | 'restrict' | 'doNothing'

/** A relation of a model to another model, by the other model's name. */
export type Relation = BelongsTo | HasMany | HasOne

/** This model holds the foreign key: `post.authorId` → `User`. The foreign key is indexed automatically. */
export interface BelongsTo {
  readonly kind: 'belongsTo'
  readonly model: string
  readonly foreignKey: string
  /** What deleting the target does to records of this model (default `doNothing`). */
  readonly onDelete: OnDelete
  /** @internal The delete protocol for relation rules (see `relation-engine.ts`). */
  readonly [RELATION_ENGINE]?: RelationEngine
}

/** The other model holds a foreign key to this one: `user.posts` ← `Post.authorId`. */
export interface HasMany {
  readonly kind: 'hasMany'
  readonly model: string
  readonly foreignKey: string
  /** What deleting this record does to the related records (default `doNothing`). */
  readonly onDelete: OnDelete
  /** @internal The delete protocol for relation rules (see `relation-engine.ts`). */
  readonly [RELATION_ENGINE]?: RelationEngine
}

/** Like {@link HasMany}, for at most one related record. */
export interface HasOne {
  readonly kind: 'hasOne'
  readonly model: string
  readonly foreignKey: string
  readonly onDelete: OnDelete
  /** @internal The delete protocol for relation rules (see `relation-engine.ts`). */
  readonly [RELATION_ENGINE]?: RelationEngine
}

/**
 * This model points to `model` through its own `foreignKey` field.
 * @example
 * defineModel(PostSchema, { name: 'Post', relations: { author: belongsTo('User', { foreignKey: 'authorId', onDelete: 'cascade' }) } })
 */
export const belongsTo = (model: string, options: { foreignKey: string; onDelete?: OnDelete }): BelongsTo => ({
  kind: 'belongsTo',
  model,
  foreignKey: options.foreignKey,
  onDelete: options.onDelete ?? 'doNothing',
  [RELATION_ENGINE]: relationEngine,
})

/**
 * Records of `model` point to this one through their `foreignKey` field.
 * @example
 * defineModel(UserSchema, { name: 'User', plural: 'people', relations: { posts: hasMany('Post', { foreignKey: 'authorId', onDelete: 'restrict' }) } })
 */
export const hasMany = (model: string, options: { foreignKey: string; onDelete?: OnDelete }): HasMany => ({
  kind: 'hasMany',
  model,
  foreignKey: options.foreignKey,
  onDelete: options.onDelete ?? 'doNothing',
  [RELATION_ENGINE]: relationEngine,
})

/** At most one record of `model` points to this one through its `foreignKey` field. */
export const hasOne = (model: string, options: { foreignKey: string; onDelete?: OnDelete }): HasOne => ({
  kind: 'hasOne',
  model,
  foreignKey: options.foreignKey,
  onDelete: options.onDelete ?? 'doNothing',
  [RELATION_ENGINE]: relationEngine,
})
