/** A stored record as migrations see it: its JSON fields (dates as ISO strings), with `id`, `createdAt` and `updatedAt`. */
export type MigrationRecord = Record<string, unknown>

/** Turns a record of one shape into the next (or, for `rollback`, back). Must not mutate its argument. */
export type RecordTransform = (record: MigrationRecord) => MigrationRecord
