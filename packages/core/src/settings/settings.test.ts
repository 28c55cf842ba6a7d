import { describe, expect, it } from 'vitest'
import { isS3verlessError } from '../errors.js'
import { createSettings, loadSettings, requireSetting } from './settings.js'

const secret = 'x'.repeat(32)

describe('loadSettings', () => {
  it('reads the documented variables and applies defaults', () => {
    const s = loadSettings({
      AWS_BUCKET_NAME: 'my-bucket',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'shh',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:7480',
      SECRET_KEY: secret,
      ALGORITHM: 'HS512',
      ACCESS_TOKEN_EXPIRE_MINUTES: '15',
      S3_BASE_PATH: 'app-data',
    })
    expect(s).toMatchObject({
      awsBucketName: 'my-bucket',
      awsRegion: 'eu-west-1',
      awsEndpointUrl: 'http://127.0.0.1:7480',
      algorithm: 'HS512',
      accessTokenExpireMinutes: 15,
      s3BasePath: 'app-data/',
    })
    const defaults = loadSettings({})
    expect(defaults).toMatchObject({
      awsRegion: 'us-east-1',
      algorithm: 'HS256',
      accessTokenExpireMinutes: 30,
      s3BasePath: 's3verless-data/',
    })
    expect(defaults.secretKey).toBeUndefined()
  })

  it('reads S3_PROVIDER (the Ceph RGW quirks for the CLI and apps configured from the environment) and refuses others', () => {
    expect(loadSettings({ S3_PROVIDER: 'ceph' }).s3Provider).toBe('ceph')
    const error = (() => {
      try {
        loadSettings({ S3_PROVIDER: 'minio' })
      } catch (e) {
        return e as { code: string; details: { variables: string[] } }
      }
    })()
    expect(error?.code).toBe('settings.invalid')
    expect(error?.details.variables).toEqual(['S3_PROVIDER'])
  })

  it('accepts AWS_DEFAULT_REGION and AWS_URL as aliases', () => {
    const s = loadSettings({ AWS_DEFAULT_REGION: 'ap-south-1', AWS_URL: 'https://s3.example.com' })
    expect(s.awsRegion).toBe('ap-south-1')
    expect(s.awsEndpointUrl).toBe('https://s3.example.com')
  })

  it('names every malformed variable in one error', () => {
    let error: unknown
    try {
      loadSettings({ ACCESS_TOKEN_EXPIRE_MINUTES: 'soon', AWS_URL: 'not a url', ALGORITHM: 'none', SECRET_KEY: 'short' })
    } catch (e) {
      error = e
    }
    expect(isS3verlessError(error, 'settings.invalid')).toBe(true)
    const message = (error as Error).message
    for (const name of ['ACCESS_TOKEN_EXPIRE_MINUTES', 'AWS_URL', 'ALGORITHM', 'SECRET_KEY']) expect(message).toContain(name)
    expect((error as { details: { variables: string[] } }).details.variables.sort()).toEqual([
      'ACCESS_TOKEN_EXPIRE_MINUTES',
      'ALGORITHM',
      'AWS_URL',
      'SECRET_KEY',
    ])
  })

  it('demands a value only where it is needed, naming the variable', () => {
    const s = loadSettings({})
    expect(() => requireSetting(s, 'secretKey', 'signing tokens')).toThrow(/SECRET_KEY is required for signing tokens/)
    expect(requireSetting(createSettings({ secretKey: secret }), 'secretKey')).toBe(secret)
  })

  it('validates settings given directly', () => {
    expect(() => createSettings({ awsBucketName: 'Bad_Bucket' })).toThrow(/awsBucketName must be a valid S3 bucket name/)
  })
})
