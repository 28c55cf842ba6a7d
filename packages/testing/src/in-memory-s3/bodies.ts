import type { BodyInput, BodyOutput } from './shapes.js'

/** Reads any body the SDK accepts into bytes. */
export async function readBody(body: BodyInput | undefined): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array()
  if (typeof body === 'string') return new TextEncoder().encode(body)
  if (body instanceof Uint8Array) return body.slice()
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0))
  if (typeof Blob !== 'undefined' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer())
  if (body instanceof ReadableStream) return new Uint8Array(await new Response(body).arrayBuffer())
  throw new TypeError(`InMemoryS3: unsupported Body type ${Object.prototype.toString.call(body)}`)
}

/** A body as the SDK hands it out: read it with `transformToString()` or `transformToByteArray()`. */
export function bodyOutput(bytes: Uint8Array): BodyOutput {
  return {
    transformToString: async (encoding = 'utf-8') => new TextDecoder(encoding).decode(bytes),
    transformToByteArray: async () => bytes.slice(),
    transformToWebStream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice())
          controller.close()
        },
      }),
  }
}
