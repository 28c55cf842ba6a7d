import type { Model, Repository } from '@s3verless/core'
import { withEtag } from '@s3verless/core/internal'
import type { Match } from './executor.js'
import type { QueryState } from './plan-types.js'

/**
 * Turns matches into what a query returns: records with their `$etag`, cut down to the selected
 * fields (and `id`), with each prefetched relation loaded for the whole page in batched lookups.
 */
export async function shapeResults<T>(
  matches: Match[],
  state: Pick<QueryState, 'select' | 'prefetch'>,
  repository: Repository<Model>,
): Promise<T[]> {
  let items = matches.map((m) => withEtag(m.raw.record, m.raw.etag) as Record<string, unknown> & { id: string; $etag: string })
  if (state.select) {
    const fields = ['id', ...state.select]
    items = items.map((item) =>
      withEtag(Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]])) as { id: string }, item.$etag),
    )
  }
  for (const relation of state.prefetch) {
    const related = await repository.loadRelated(matches.map((m) => m.raw.record) as never, relation)
    for (const item of items) item[relation] = related.get(item.id)
  }
  return items as unknown as T[]
}
