import mime from 'mime/lite'

/** Media type of files whose type cannot be told from the name. */
export const FALLBACK_CONTENT_TYPE = 'application/octet-stream'

const TOKEN = "[a-z0-9!#$&'*+.^_`|~-]+"
const PARAMETER = new RegExp(`^(${TOKEN})=(${TOKEN}|"[^"\\\\\\p{Cc}]*")$`, 'iu')
/** RFC 6838 restricted names: no `*`, so a declared type can never be a wildcard. */
const ESSENCE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i
/** Extensions kept in keys: short, lower-case letters and digits. */
const EXTENSION = /^[a-z0-9]{1,15}$/

/**
 * A media type in canonical form (`type/subtype` lower-cased, parameters as `; name=value`), or
 * `undefined` when it is not a well-formed `type/subtype` with optional RFC 9110 parameters (a value
 * with line breaks, control characters or stray separators is malformed, so it can never inject a
 * header).
 * @example normalizeContentType(' Text/Plain;charset=UTF-8') // 'text/plain; charset=UTF-8'
 */
export function normalizeContentType(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 255) return undefined
  const [essence = '', ...parameters] = value.split(';').map((part) => part.trim())
  if (!ESSENCE.test(essence)) return undefined
  const kept: string[] = []
  for (const parameter of parameters) {
    const match = PARAMETER.exec(parameter)
    if (!match) return undefined
    kept.push(`${match[1]!.toLowerCase()}=${match[2]}`)
  }
  return [essence.toLowerCase(), ...kept].join('; ')
}

/** The `type/subtype` of a media type, lower-cased, without parameters. */
export const contentTypeEssence = (contentType: string): string => (contentType.split(';')[0] ?? '').trim().toLowerCase()

/** The lower-cased extension of a file name (`'png'` for `Cat.PNG`), or `''`. */
function extensionOf(filename: string): string {
  const name = filename.split(/[/\\]/).at(-1) ?? ''
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

/**
 * The media type a file name suggests (`photo.JPG` → `image/jpeg`), or `application/octet-stream`
 * when the extension is missing or unknown. Uses the `mime` package's standard types.
 */
export function guessContentType(filename: string): string {
  const extension = extensionOf(filename)
  return (extension && mime.getType(extension)) || FALLBACK_CONTENT_TYPE
}

/**
 * The extension an upload's key ends with, `''` or like `'.png'`: the file name's own when it names
 * the content type (`cat.jpg` as `image/jpeg`), else the content type's usual one (`cat.html` sent as
 * `image/png` gets `.png`), so a key never suggests another type than the object is served with.
 * An extension `mime` does not know is kept only for `application/octet-stream` content, which
 * otherwise gets `.bin` (or nothing when the name has no extension).
 */
export function keyExtension(filename: string, contentType: string): string {
  const essence = contentTypeEssence(contentType)
  const own = extensionOf(filename)
  const ownType = own ? mime.getType(own) : null
  if (EXTENSION.test(own) && (ownType === essence || (ownType === null && essence === FALLBACK_CONTENT_TYPE))) return `.${own}`
  if (own === '' && essence === FALLBACK_CONTENT_TYPE) return ''
  const usual = mime.getExtension(essence)
  return usual && EXTENSION.test(usual) ? `.${usual}` : ''
}
