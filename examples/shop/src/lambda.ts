// The shop on AWS Lambda (behind API Gateway or a function URL): data in the AWS_BUCKET_NAME bucket,
// SECRET_KEY from the environment. Make the first admin with the CLI (`create-admin`) against the
// same bucket, or set SETUP_TOKEN once and use /admin/setup.
import { loadSettings, S3ClientManager } from '@s3verless/core'
import { lambdaClientAddress } from '@s3verless/hono'
import { handle } from 'hono/aws-lambda'
import { createShop, trustedProxiesFrom } from './app.js'

const settings = loadSettings()
const { app } = createShop({
  settings,
  store: new S3ClientManager(settings),
  // Rate limits count each client by the address API Gateway (or the ALB) saw.
  clientAddress: lambdaClientAddress,
  trustedProxies: trustedProxiesFrom(process.env.TRUSTED_PROXIES),
  ...(process.env.SETUP_TOKEN ? { setupToken: process.env.SETUP_TOKEN } : {}),
})

/** The Lambda handler. */
export const handler = handle(app)
