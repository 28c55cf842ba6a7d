import * as z from 'zod'
import { SettingsError } from '../errors.js'

/** JWT algorithms S3verless signs with. `none` and asymmetric algorithms are not accepted for the shared secret. */
export const TOKEN_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })

const settingsSchema = z.object({
  awsBucketName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 characters: a-z, 0-9, ".", "-")')
    .optional(),
  awsRegion: z.string().min(1).default('us-east-1'),
  awsAccessKeyId: z.string().min(1).optional(),
  awsSecretAccessKey: z.string().min(1).optional(),
  awsEndpointUrl: url.optional(),
  secretKey: z.string().min(32, 'must be at least 32 characters (a random string: openssl rand -hex 32)').optional(),
  algorithm: z.enum(TOKEN_ALGORITHMS, { error: `must be one of ${TOKEN_ALGORITHMS.join(', ')}` }).default('HS256'),
  accessTokenExpireMinutes: z.coerce
    .number({ error: 'must be a whole number of minutes' })
    .int('must be a whole number of minutes')
    .positive('must be a positive number of minutes')
    .default(30),
  s3BasePath: z
    .string()
    .default('s3verless-data/')
    .transform((p) => (p === '' || p.endsWith('/') ? p : `${p}/`))
    .refine((p) => !p.startsWith('/'), 'must not start with "/"'),
  forcePathStyle: z.boolean().optional(),
  s3Provider: z.enum(['aws', 'ceph'], { error: 'must be "aws" or "ceph" (Ceph RGW: unquoted If-Match, no conditional DELETE)' }).optional(),
})

/** Validated settings. Build them with {@link createSettings} or {@link loadSettings}. */
export type S3verlessSettings = Readonly<z.output<typeof settingsSchema>>
/** What {@link createSettings} accepts. */
export type S3verlessSettingsInput = z.input<typeof settingsSchema>

/** Each setting's environment variable, then its aliases. */
export const SETTING_VARIABLES: Record<keyof S3verlessSettingsInput, readonly string[]> = {
  awsBucketName: ['AWS_BUCKET_NAME'],
  awsRegion: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
  awsAccessKeyId: ['AWS_ACCESS_KEY_ID'],
  awsSecretAccessKey: ['AWS_SECRET_ACCESS_KEY'],
  awsEndpointUrl: ['AWS_ENDPOINT_URL', 'AWS_URL'],
  secretKey: ['SECRET_KEY'],
  algorithm: ['ALGORITHM'],
  accessTokenExpireMinutes: ['ACCESS_TOKEN_EXPIRE_MINUTES'],
  s3BasePath: ['S3_BASE_PATH'],
  forcePathStyle: ['S3_FORCE_PATH_STYLE'],
  s3Provider: ['S3_PROVIDER'],
}

function parse(input: Record<string, unknown>, nameOf: (field: string) => string): S3verlessSettings {
  const result = settingsSchema.safeParse(input)
  if (result.success) return Object.freeze(result.data)
  const problems = result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '')
    return { variable: nameOf(field), message: issue.message }
  })
  const lines = problems.map((p) => `${p.variable} ${p.message}`)
  throw new SettingsError(`Invalid S3verless settings: ${lines.join('; ')}`, {
    details: { variables: problems.map((p) => p.variable), problems },
  })
}

/**
 * Validates settings given directly (camelCase names of the environment variables).
 * @throws SettingsError naming every malformed setting.
 * @example
 * const settings = createSettings({ awsBucketName: 'my-bucket', awsRegion: 'eu-west-1' })
 */
export function createSettings(input: S3verlessSettingsInput = {}): S3verlessSettings {
  return parse(input as Record<string, unknown>, (field) => field)
}

/**
 * Reads settings from environment variables: `AWS_BUCKET_NAME`, `AWS_REGION` (alias
 * `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL` (alias
 * `AWS_URL`), `SECRET_KEY`, `ALGORITHM` (default HS256), `ACCESS_TOKEN_EXPIRE_MINUTES` (default 30),
 * `S3_BASE_PATH` (default `s3verless-data/`), `S3_FORCE_PATH_STYLE`, `S3_PROVIDER` (`aws` or `ceph`).
 * Empty values count as unset.
 * Nothing is required here: what needs a value asks for it with {@link requireSetting}.
 * @throws SettingsError naming every malformed variable.
 */
export function loadSettings(
  env: Record<string, string | undefined> = typeof process === 'undefined' ? {} : process.env,
  overrides: S3verlessSettingsInput = {},
): S3verlessSettings {
  const input: Record<string, unknown> = {}
  const source: Record<string, string> = {}
  for (const [field, names] of Object.entries(SETTING_VARIABLES)) {
    const name = names.find((n) => env[n] !== undefined && env[n] !== '')
    if (name === undefined) continue
    const raw = env[name] as string
    source[field] = name
    input[field] = field === 'forcePathStyle' ? /^(1|true|yes)$/i.test(raw) : raw
  }
  Object.assign(input, overrides)
  return parse(input, (field) => source[field] ?? (SETTING_VARIABLES as Record<string, readonly string[]>)[field]?.[0] ?? field)
}

/**
 * Returns a setting that a feature needs, or throws a `SettingsError` naming its environment variable.
 * @example
 * const bucket = requireSetting(settings, 'awsBucketName') // "AWS_BUCKET_NAME is required …" when unset
 */
export function requireSetting<K extends keyof S3verlessSettings>(
  settings: S3verlessSettings,
  name: K,
  neededFor = 'this operation',
): NonNullable<S3verlessSettings[K]> {
  const value = settings[name]
  if (value === undefined || value === null || value === '') {
    const variable = SETTING_VARIABLES[name as keyof S3verlessSettingsInput]?.[0] ?? String(name)
    throw new SettingsError(`${variable} is required for ${neededFor} but is not set`, { details: { variables: [variable] } })
  }
  return value as NonNullable<S3verlessSettings[K]>
}
