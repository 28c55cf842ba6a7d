import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isModel, type Model } from '@s3verless/core'
import { UsageError } from './cli-io.js'

/**
 * The models a module exports (named or default exports, or lists of them), e.g. the application's
 * `src/models.ts`. A `.ts` module needs a runtime that loads TypeScript (tsx, Node's type stripping).
 * @throws UsageError when the module exports no model.
 */
export async function loadModels(path: string): Promise<Model[]> {
  const file = resolve(path)
  const exported = Object.values((await import(pathToFileURL(file).href)) as Record<string, unknown>)
  const models = [...new Set(exported.flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isModel))]
  if (models.length === 0) throw new UsageError(`${file} exports no model (export the models made with defineModel)`)
  return models
}
