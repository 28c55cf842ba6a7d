/**
 * Just enough XML reading for S3's answers (ListObjectsV2, DeleteObjects, errors), without `DOMParser`
 * (absent from Workers-style runtimes). S3's documents are small, flat and well-formed: elements with
 * text, no attributes we need, no mixed content, so a scan for `<Tag>…</Tag>` suffices.
 * Written here rather than taken from an XML library: the whole job is ~40 lines, where a general
 * parser (fast-xml-parser) would add tens of KiB to every edge bundle.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes XML character and entity references (`&amp;`, `&#x1F600;`, `&#39;`). */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10))
    return ENTITIES[ref] ?? whole
  })
}

/** Escapes text for an XML element's content. */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`)
}

/**
 * The raw inner XML of every `<tag>` element in `xml`, in document order (an empty element, `<tag/>`,
 * gives `''`). Elements of the same name must not nest, which holds for every S3 element read here.
 */
export function elementsOf(xml: string, tag: string): string[] {
  const found: string[] = []
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g')
  for (const match of xml.matchAll(pattern)) found.push(match[1] ?? '')
  return found
}

/** The decoded text of the first `<tag>` element in `xml`, or `undefined` when there is none. */
export function textOf(xml: string, tag: string): string | undefined {
  const inner = elementsOf(xml, tag)[0]
  return inner === undefined ? undefined : decodeXmlText(inner)
}
