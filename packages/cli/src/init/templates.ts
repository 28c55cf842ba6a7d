import { CLI_VERSION } from '../version.js'

/** One file `init` writes: its path in the project and its text. */
export interface ProjectFile {
  path: string
  text: string
}

/** The npm name of a project made in a folder called `folder` (lowercase, `-` for anything npm refuses). */
export function projectName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '')
  return name || 's3verless-app'
}

const packageJson = (name: string) => {
  const ours = `^${CLI_VERSION}`
  return `${JSON.stringify(
    {
      name,
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: {
        start: 'tsx src/server.ts',
        test: 'vitest run',
        s3verless: 'tsx node_modules/@s3verless/cli/dist/bin.js',
        'create-admin': 'tsx node_modules/@s3verless/cli/dist/bin.js create-admin --models src/models.ts --data .s3verless-data',
      },
      engines: { node: '>=20.19' },
      dependencies: {
        '@hono/node-server': '^2.1.9',
        '@node-rs/bcrypt': '^1.10.8',
        '@s3verless/auth': ours,
        '@s3verless/core': ours,
        '@s3verless/hono': ours,
        hono: '^4.13.0',
        'swagger-ui-dist': '^5.35.0',
        zod: '^4.1.0',
      },
      devDependencies: { '@s3verless/cli': ours, tsx: '^4.20.0', vitest: '^4.1.0' },
    },
    null,
    2,
  )}\n`
}

const MODELS = `import { belongsTo, defineModel, role } from '@s3verless/core'
import * as z from 'zod'

/** A project: anyone may read projects, admins write them; the slug is unique. */
export const Project = defineModel(
  z.object({
    name: z.string().min(1).max(100),
    slug: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and -'),
    archived: z.boolean().default(false),
  }),
  {
    name: 'Project',
    unique: ['slug'],
    indexed: ['archived'],
    access: { list: 'public', get: 'public', create: role('admin'), update: role('admin'), delete: role('admin') },
  },
)

/** A task of a project: for signed-in users; deleting a project deletes its tasks. */
export const Task = defineModel(
  z.object({
    projectId: z.string(),
    title: z.string().min(1).max(200),
    done: z.boolean().default(false),
  }),
  {
    name: 'Task',
    indexed: ['done'],
    indexedDescending: ['createdAt'],
    requireAuth: true,
    relations: { project: belongsTo('Project', { foreignKey: 'projectId', onDelete: 'cascade' }) },
  },
)

/** Every model of the app. */
export const models = [Project, Task]
`

const APP = (title: string) => `import type { ObjectStore, S3ClientManager, S3verlessSettings } from '@s3verless/core'
import { S3verless } from '@s3verless/hono'
import { nodeDocsAssets } from '@s3verless/hono/node'
import { models } from './models.js'

/** Where the app keeps its data, and how it signs tokens. */
export interface AppOptions {
  store: ObjectStore | S3ClientManager
  /** Settings (SECRET_KEY, S3_BASE_PATH, …); default: from the environment. */
  settings?: S3verlessSettings
  /** A one-time token that lets the first admin be made at /admin/setup. */
  setupToken?: string
}

/**
 * The app: CRUD routes for the models, auth at /auth, OpenAPI docs at /docs, the admin UI at
 * /admin and /health. A plain Hono app (\`app.request(...)\` in tests). \`s3verless serve src/app.ts\`
 * serves it too (it calls this function with the store it chose).
 */
export default function createApp({ store, settings, setupToken }: AppOptions) {
  return new S3verless({
    title: ${JSON.stringify(title)},
    models,
    store,
    ...(settings ? { settings } : {}),
    docsAssets: nodeDocsAssets(),
    ...(setupToken ? { setupToken } : {}),
  }).createApp()
}
`

const SERVER = `// npm start: serves the app on Node (data on disk in DATA_DIR, or in S3 when AWS_BUCKET_NAME is set).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { createSettings, loadSettings, S3ClientManager } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import createApp from './app.js'

if (existsSync('.env')) process.loadEnvFile('.env')
const fromEnv = loadSettings()
if (!fromEnv.secretKey) console.warn('SECRET_KEY is not set (see .env.example): using a random one, so sign-ins end when the server stops.')
const settings = createSettings({ ...fromEnv, secretKey: fromEnv.secretKey ?? randomBytes(32).toString('hex') })
const dataDir = process.env.DATA_DIR || '.s3verless-data'
const store = settings.awsBucketName ? new S3ClientManager(settings) : fsStore({ root: dataDir })
const setupToken = randomBytes(18).toString('base64url')
const app = createApp({ store, settings, setupToken })
const hostname = process.env.HOST || '127.0.0.1'

const server = serve({ fetch: app.fetch, hostname, port: Number(process.env.PORT || 3000) }, (info) => {
  const base = \`http://\${hostname}:\${info.port}\`
  console.log(\`Listening on \${base}/   docs \${base}/docs   admin \${base}/admin\`)
  console.log(\`Data in \${settings.awsBucketName ? \`S3 bucket \${settings.awsBucketName}\` : dataDir}.\`)
  console.log(\`First admin: \${base}/admin/setup with the one-time token \${setupToken}, or: npm run create-admin -- <username> <email>\`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)))
`

const TEST = `import { createSettings, memoryStore } from '@s3verless/core'
import { expect, it } from 'vitest'
import createApp from '../src/app.js'

const app = createApp({ store: memoryStore(), settings: createSettings({ secretKey: 'test-secret-of-at-least-32-characters' }) })

it('lists projects to anyone, and lets only admins create them', async () => {
  const list = await app.request('/projects')
  expect(list.status).toBe(200)
  expect((await list.json()).items).toEqual([])
  const create = await app.request('/projects', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Launch', slug: 'launch' }),
  })
  expect(create.status).toBe(401)
})
`

const ENV_EXAMPLE = `# Copy to .env: npm start reads it. Without AWS_BUCKET_NAME the data lives on disk in DATA_DIR.
PORT=3000
HOST=127.0.0.1
DATA_DIR=.s3verless-data
# Signs access tokens: a random string of 32+ characters (openssl rand -hex 32).
# SECRET_KEY=
# S3 (AWS, Cloudflare R2, MinIO, Ceph RGW, …): uncomment to keep the data in a bucket.
# AWS_BUCKET_NAME=my-bucket
# AWS_REGION=us-east-1
# AWS_ENDPOINT_URL=https://s3.example.com
# AWS_ACCESS_KEY_ID=
# AWS_SECRET_ACCESS_KEY=
# S3_BASE_PATH=s3verless-data/
`

const GITIGNORE = `node_modules/
.s3verless-data/
.env
`

const README = (name: string) => `# ${name}

An API on [S3verless](https://github.com/s3verless/s3verless-ts#readme): your data in an S3 bucket (or on disk while
you develop), models in \`src/models.ts\`, the app in \`src/app.ts\`.

\`\`\`sh
npm install
npm start                  # http://127.0.0.1:3000/ (API), /docs, /admin; data in .s3verless-data/
npm test
npm run create-admin -- <username> <email>                                  # asks for the password
npm run s3verless -- inspect --models src/models.ts --app src/app.ts --data .s3verless-data
\`\`\`

Copy \`.env.example\` to \`.env\` to set SECRET_KEY, the port, or an S3 bucket.
`

/** The files of a new project called `name`. */
export function projectFiles(name: string): ProjectFile[] {
  return [
    { path: 'package.json', text: packageJson(name) },
    { path: 'src/models.ts', text: MODELS },
    { path: 'src/app.ts', text: APP(name) },
    { path: 'src/server.ts', text: SERVER },
    { path: 'test/app.test.ts', text: TEST },
    { path: '.env.example', text: ENV_EXAMPLE },
    { path: '.gitignore', text: GITIGNORE },
    { path: 'README.md', text: README(name) },
  ]
}
