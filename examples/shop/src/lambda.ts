// The shop on AWS Lambda (behind API Gateway or a function URL): data in the AWS_BUCKET_NAME bucket,
// SECRET_KEY from the environment. Make the first admin with the CLI (`create-admin`) against the
// same bucket, or set SETUP_TOKEN once and use /admin/setup.
import { loadSettings, S3ClientManager } from '@s3verless/core'
import { handle } from 'hono/aws-lambda'
import { createShop } from './app.js'

const settings = loadSettings()
const { app } = createShop({
  settings,
  store: new S3ClientManager(settings),
  ...(process.env.SETUP_TOKEN ? { setupToken: process.env.SETUP_TOKEN } : {}),
})

/** The Lambda handler. */
export const handler = handle(app)
