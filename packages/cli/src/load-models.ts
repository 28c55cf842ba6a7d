import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isModel, type Model } from '@s3verless/core'
import { UsageError } from './cli-io.js'

/** The option every command that needs the application's models accepts (for `parseArgs`). */
export const MODELS_OPTION = { models: { type: 'string' } } as const

/**
 * Imports a module of the application by path (resolved against the working directory). A `.ts`
 * module needs a runtime that loads TypeScript (tsx, Node's type stripping).
 * @throws UsageError naming the file when it does not exist or cannot be loaded.
 */
export async function importModule(path: string): Promise<{ file: string; exports: Record<string, unknown> }> {
  const file = resolve(path)
  try {
    return { file, exports: (await import(pathToFileURL(file).href)) as Record<string, unknown> }
  } catch (error) {
    const code = (error as { code?: string } | null)?.code
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(file)) throw new UsageError(`no module at ${file}`)
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION')
      throw new UsageError(
        `${file} is TypeScript: run s3verless through tsx (npx tsx node_modules/.bin/s3verless …) or point at the built .js`,
      )
    throw error
  }
}

/** The models among a module's exports (named or default, or lists of them), each once. */
export function modelsOf(exported: Record<string, unknown>): Model[] {
  const values = Object.values(exported).flatMap((value) => (Array.isArray(value) ? value : [value]))
  return [...new Set(values.filter(isModel))]
}

/**
 * The models a module exports (named or default exports, or lists of them), e.g. the application's
 * `src/models.ts`. This is the one way every command finds the application's models (`--models`,
 * or `S3VERLESS_MODELS`).
 * @throws UsageError when the module is missing or exports no model.
 */
export async function loadModels(path: string): Promise<Model[]> {
  const { file, exports } = await importModule(path)
  const models = modelsOf(exports)
  if (models.length === 0) throw new UsageError(`${file} exports no model (export the models made with defineModel)`)
  return models
}

/** `--models` or `S3VERLESS_MODELS`, or a usage error saying it is needed. */
export function modelsPath(given: string | undefined, env: Record<string, string | undefined>): string {
  const path = given ?? env.S3VERLESS_MODELS
  if (!path) throw new UsageError('--models <module> is required (the module that exports your models)')
  return path
}
