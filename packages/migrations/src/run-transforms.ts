import type { Model } from '@s3verless/core'
import { storedVersion, upgradeFields } from '@s3verless/core/internal'
import { applyToRecord, rollbackRecord } from './apply-to-record.js'
import type { Migration } from './migration.js'
import { ALREADY_APPLIED, type Transform, UNCHANGED } from './rewrite-record.js'
import { reversedBy, rollbackStamp, stampPlan } from './stamps.js'

/**
 * Applies a model's pending migrations (in version order) to each record brought up to the model's
 * lazy-upgrade version, and stamps it with run `run` and the versions applied. A record an earlier
 * attempt of the same run rewrote gets only the migrations its stamp lacks (none: left alone).
 */
export function migrateTransform(model: Model, group: readonly Migration[], run: string): Transform {
  const versions = group.map((m) => m.version)
  return (record, meta, key) => {
    const { todo, stamp } = stampPlan(versions, run, meta)
    if (todo.length === 0) return ALREADY_APPLIED
    const steps = todo.length === group.length ? group : group.filter((m) => todo.includes(m.version))
    return { record: applyToRecord(steps, upgradeFields(model, key, record, storedVersion(meta))), stamp }
  }
}

/** Reverses one migration on each record (stamped with run `run`), except records an earlier attempt of the same rollback run already reversed. */
export function rollbackTransform(model: Model, migration: Migration, run: string): Transform {
  return (record, meta, key) =>
    reversedBy(meta, run)
      ? ALREADY_APPLIED
      : { record: rollbackRecord(migration, upgradeFields(model, key, record, storedVersion(meta))), stamp: rollbackStamp(run) }
}

/** Brings each record stored at an older lazy-upgrade version up to the model's (its stamp is kept). */
export function backfillTransform(model: Model): Transform {
  return (record, meta, key) =>
    storedVersion(meta) >= model.version ? UNCHANGED : { record: upgradeFields(model, key, record, storedVersion(meta)) }
}
