import { deleteWithRules, finishDelete, planDelete } from './delete-protocol.js'
import { loadRelation } from './relations-ops.js'

/**
 * What deleting under relation rules needs (DESIGN.md §5, relations). It travels on the relations a
 * model declares (`belongsTo`, `hasMany`, `hasOne` carry it), so a database whose models declare
 * none does not carry the cascade code of the delete protocol, nor `loadRelated`'s, in its bundle.
 */
export const relationEngine = { deleteWithRules, finishDelete, planDelete, loadRelation }

export type RelationEngine = typeof relationEngine
