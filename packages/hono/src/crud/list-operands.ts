import { validationError } from '../errors/http-error.js'
import type { FieldError } from '../errors/problem-details.js'

/**
 * Refuses a filter or exclude whose list operand (`id__in`, `category__in`, `price__nin`…) has more
 * than `max` values, before anything is planned or read: each value of an `in` is a GET (ids) or a
 * LIST (indexed fields), so an unbounded list is an unbounded number of requests.
 * @throws HttpError `http.validation` (422) naming each parameter, its count and the cap.
 */
export function checkListOperands(
  request: { filter: Record<string, unknown>; exclude?: Record<string, unknown> | undefined },
  max: number,
): void {
  const errors: FieldError[] = []
  for (const [where, conditions] of [
    ['filter', request.filter],
    ['exclude', request.exclude ?? {}],
  ] as const) {
    for (const [key, value] of Object.entries(conditions)) {
      if (Array.isArray(value) && value.length > max) {
        errors.push({
          path: where === 'filter' ? [key] : ['exclude', key],
          message: `${key} has ${value.length} values; at most ${max} per list (maxListValues)`,
        })
      }
    }
  }
  if (errors.length) throw validationError(`A list filter has more than ${max} values`, errors)
}
