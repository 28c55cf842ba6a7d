/**
 * The full-scan baseline: the strategy of the earlier Python version, written against the same
 * ObjectStore so its requests are counted and slowed the same way as ours. Records are plain JSON
 * objects under one prefix; every question is answered by listing every key and reading every
 * record (16 at a time), then filtering, sorting or counting in memory. Uniqueness is a scan for the
 * value before the write; login is a scan of the users for the name, then the password check.
 */
import { randomUUID } from 'node:crypto'
import { listAll, type ObjectStore } from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'

type Row = Record<string, unknown> & { id: string }

export class FullScanBaseline {
  constructor(
    readonly store: ObjectStore,
    /** Where the baseline keeps its items (its own copy, so its writes never touch ours). */
    readonly itemsPrefix: string,
    /** Where the users are: the library's own user records, read only. */
    readonly usersPrefix: string,
    readonly concurrency = 16,
  ) {}

  /** Every key under `prefix`: ⌈n/1000⌉ LISTs. */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = []
    for await (const object of listAll(this.store, prefix)) keys.push(object.key)
    return keys
  }

  /** Every record under `prefix`: the LISTs, then one GET per record. */
  async scan(prefix: string): Promise<Row[]> {
    const rows = await mapLimit(await this.keys(prefix), this.concurrency, (key) => this.read(key))
    return rows.filter((row): row is Row => row !== null)
  }

  async read(key: string): Promise<Row | null> {
    const object = await this.store.get(key)
    return object ? (JSON.parse(new TextDecoder().decode(object.body)) as Row) : null
  }

  /** Writes a record with no check at all (loading, and the warm-up). */
  async put(fields: Record<string, unknown>, id: string = randomUUID()): Promise<Row> {
    const now = new Date().toISOString()
    const row: Row = { id, ...fields, createdAt: now, updatedAt: now }
    await this.store.put(`${this.itemsPrefix}${id}.json`, JSON.stringify(row), { contentType: 'application/json' })
    return row
  }

  /** Create: scan for each unique value (one scan serves all of them), then PUT. */
  async create(fields: Record<string, unknown>, uniqueFields: readonly string[]): Promise<Row> {
    const rows = await this.scan(this.itemsPrefix)
    for (const field of uniqueFields) {
      if (rows.some((row) => row[field] === fields[field])) throw new Error(`baseline: ${field} ${String(fields[field])} is taken`)
    }
    return this.put(fields)
  }

  /** Get by id: one GET of the record's key. */
  get(id: string): Promise<Row | null> {
    return this.read(`${this.itemsPrefix}${id}.json`)
  }

  /** Records whose `field` equals `value`: a scan. */
  async where(field: string, value: unknown): Promise<Row[]> {
    return (await this.scan(this.itemsPrefix)).filter((row) => row[field] === value)
  }

  /** The first `limit` records by ascending numeric `field`: a scan and a sort. */
  async orderedPage(field: string, limit: number): Promise<Row[]> {
    const rows = await this.scan(this.itemsPrefix)
    return rows.sort((a, b) => (a[field] as number) - (b[field] as number)).slice(0, limit)
  }

  /** How many records have `field` equal to `value`: a scan. */
  async countWhere(field: string, value: unknown): Promise<number> {
    return (await this.where(field, value)).length
  }

  /**
   * How many records there are. Generous to the baseline: it counts keys from the LISTs and reads
   * no record (the original's `count()` read every record it matched).
   */
  async countAll(): Promise<number> {
    return (await this.keys(this.itemsPrefix)).length
  }

  /** Login: scan the users for the name, then check the password against the stored hash. */
  async login(username: string, password: string, verify: (password: string, hash: string) => Promise<boolean>): Promise<Row | null> {
    const user = (await this.scan(this.usersPrefix)).find((row) => row.username === username)
    if (!user) return null
    return (await verify(password, user.hashedPassword as string)) ? user : null
  }
}
