/** Where a relation carries the relation engine (see `repository/relation-engine.ts`). */
export const RELATION_ENGINE: unique symbol = Symbol.for('s3verless.relationEngine')
