import { FINDING_KINDS, findingCount, type ModelFindings } from './doctor-checks.js'
import type { DoctorResult } from './run-doctor.js'

/** Keys (or records) listed per finding kind on the terminal; `--json` holds them all. */
const LISTED = 5

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

function describeItem(item: unknown): string {
  if (typeof item === 'string') return item
  const i = item as Record<string, unknown>
  if ('ids' in i) return `${String(i.field)}=${JSON.stringify(i.value)} held by ${(i.ids as string[]).join(', ')}`
  if ('parent' in i) return `${String(i.model)} ${String(i.id)}: ${String(i.field)}=${String(i.value)} names no ${String(i.parent)}`
  return `${String(i.field)}=${JSON.stringify(i.value)} of ${String(i.id)}`
}

function formatModel(f: ModelFindings): string[] {
  const head = `${f.model.padEnd(16)} ${plural(f.records, 'record', 'records').padEnd(12)}`
  const kinds = FINDING_KINDS.filter(([kind]) => f[kind].length > 0)
  const inFlight = f.inFlight.length > 0 ? ` (${f.inFlight.length} in flight, left alone)` : ''
  if (kinds.length === 0) return [`${head} clean${inFlight}`]
  const lines = [`${head} ${kinds.map(([kind, one, many]) => plural(f[kind].length, one, many)).join(', ')}${inFlight}`]
  for (const [kind, , many] of kinds) {
    const items = f[kind] as readonly unknown[]
    lines.push(`  ${many}:`)
    for (const item of items.slice(0, LISTED)) lines.push(`    ${describeItem(item)}`)
    if (items.length > LISTED) lines.push(`    … and ${items.length - LISTED} more (--json lists them all)`)
  }
  return lines
}

/** What `doctor` prints: one line per model (then the findings it has), what a repair changed, and a summary. */
export function formatDoctor(result: DoctorResult, description: string): string {
  const lines: string[] = []
  if (result.repaired) {
    const total = {
      indexEntriesAdded: 0,
      indexEntriesRemoved: 0,
      claimsAdded: 0,
      claimsReleased: 0,
      tombstonesRemoved: 0,
      deletesFinished: 0,
    }
    for (const { changes } of result.repaired) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += changes[k]
    lines.push(
      `Repaired: ${total.indexEntriesAdded} index entries added, ${total.indexEntriesRemoved} removed, ` +
        `${total.claimsAdded} unique claims added, ${total.claimsReleased} released, ` +
        `${total.tombstonesRemoved} tombstones removed, ${total.deletesFinished} deletes finished` +
        (result.transactions
          ? `, ${result.transactions.removed} old transaction records removed (${result.transactions.rolledForward} records rolled forward).`
          : '.'),
      result.findings === 0 ? 'Checked again after the repair:' : 'Checked again after the repair, findings left:',
    )
  }
  for (const f of result.models) lines.push(...formatModel(f))
  const withFindings = result.models.filter((f) => findingCount(f) > 0).length
  if (result.findings === 0) lines.push(`Clean: ${plural(result.models.length, 'model', 'models')} in ${description}.`)
  else {
    const hint = result.repaired
      ? 'what is left needs a person (duplicates, unreadable records, orphans) or a later run (writes in flight)'
      : 'run with --repair to fix what can be fixed'
    lines.push(
      `${plural(result.findings, 'finding', 'findings')} in ${plural(withFindings, 'model', 'models')} of ${description}: ${hint}.`,
    )
  }
  return `${lines.join('\n')}\n`
}
