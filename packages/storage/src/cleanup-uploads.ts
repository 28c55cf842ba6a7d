import { MAX_DELETE_BATCH } from '@s3verless/core'
import { listAllIds } from '@s3verless/core/internal'
import type { UploadContext } from './service-options.js'
import { parseUploadKey } from './upload-key.js'
import type { UploadClient } from './upload-target.js'

/** Options of {@link PresignedUploadService.cleanupUnconfirmed}. */
export interface CleanupOptions {
  /** Report what would be removed without removing it (default false). */
  dryRun?: boolean
}

/** What {@link PresignedUploadService.cleanupUnconfirmed} found and did. */
export interface CleanupReport {
  /** Upload objects looked at. */
  readonly scanned: number
  /** Keys of never-confirmed uploads removed (or, in a dry run, that would be). */
  readonly deleted: readonly string[]
  /** Uploads old enough to judge that have a record (kept). */
  readonly confirmed: number
  /** Uploads too young to judge, confirmed or not (kept). */
  readonly young: number
  /** Keys under the prefix that are not upload keys (left alone). */
  readonly ignored: readonly string[]
  /** Removals the store refused, with its reason. */
  readonly failed: readonly { key: string; code: string; message: string }[]
}

interface Candidate {
  key: string
  id: string
}

/** {@link PresignedUploadService.cleanupUnconfirmed}'s work; see there. */
export async function cleanupUnconfirmed(
  context: UploadContext,
  client: UploadClient,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const { store } = context.target(client)
  const prefix = context.config.keyPrefix
  const maxAgeMs = (context.config.expirationSeconds + context.cleanupMarginSeconds) * 1000
  const old: Candidate[] = []
  const ignored: string[] = []
  let scanned = 0
  let young = 0
  let cursor: string | undefined
  do {
    const page = await store.list(prefix, cursor ? { cursor } : {})
    for (const object of page.objects) {
      const parts = parseUploadKey(object.key, prefix)
      if (!parts) {
        ignored.push(object.key)
        continue
      }
      scanned++
      // Ages by the store's clock, as confirmUpload judges them.
      if (page.serverTime.getTime() - object.lastModified.getTime() > maxAgeMs) old.push({ key: object.key, id: parts.id })
      else young++
    }
    cursor = page.cursor
  } while (cursor)

  // Records are listed after the objects: a record of an old object cannot appear after this
  // point, since confirmUpload refuses objects older than half the margin.
  const confirmedIds = old.length > 0 ? new Set(await listAllIds(context.files(client).core)) : new Set<string>()
  const unconfirmed = old.filter((candidate) => !confirmedIds.has(candidate.id)).map((candidate) => candidate.key)
  const failed: { key: string; code: string; message: string }[] = []
  const deleted: string[] = []
  for (let i = 0; i < unconfirmed.length; i += MAX_DELETE_BATCH) {
    const batch = unconfirmed.slice(i, i + MAX_DELETE_BATCH)
    if (options.dryRun) {
      deleted.push(...batch)
      continue
    }
    const result = await store.deleteMany(batch)
    deleted.push(...result.deleted)
    failed.push(...result.errors)
  }
  return { scanned, deleted, confirmed: old.length - unconfirmed.length, young, ignored, failed }
}
