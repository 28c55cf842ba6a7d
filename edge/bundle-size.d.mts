/** One bundled entry and its budget. */
export interface BundleEntry {
  name: string
  entry: string
  minKiB: number
  gzipKiB: number
}
export const ENTRIES: BundleEntry[]
/** Bundles an entry minified for a Workers-style runtime and measures it. */
export function measure(
  entry: string,
  options?: { withoutZod?: boolean },
): Promise<{ minBytes: number; gzipBytes: number; forbidden: string[]; sdkModules: string[] }>
