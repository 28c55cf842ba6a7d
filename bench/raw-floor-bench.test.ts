import { instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { type FloorFigures, measureFloor, perCall } from './raw-floor-bench.js'
import { sdkOnStore } from './sdk-on-store.js'

describe('raw-floor benchmark harness (60 records, memory store, so it runs in CI)', () => {
  it('answers every operation like the floor, with the README budget on our side and the documented floor on theirs', async () => {
    const inner = memoryStore()
    const figures = await measureFloor({ store: instrumentStore(inner), sdk: sdkOnStore(inner), bucket: 'b', records: 60, reps: 10 })
    const f = Object.fromEntries(figures.map((x) => [x.id, x])) as Record<string, FloorFigures>
    const both = (id: string) => [perCall(f[id]!.ours), perCall(f[id]!.floor)]
    expect(figures.map((x) => x.id)).toEqual(['insert', 'get', 'update', 'list', 'count', 'findBy', 'missing', 'delete'])
    // README "Request budgets" on our side (1 unique + 1 indexed field); raw-floor.ts's list on the floor's
    expect(both('insert')).toEqual(['3 PUT', '2 PUT'])
    expect(both('get')).toEqual(['1 GET', '1 GET'])
    expect(both('update')).toEqual(['1 GET + 1 PUT', '1 GET + 1 PUT'])
    expect(both('list')).toEqual(['1 LIST + 20 GET', '1 LIST + 20 GET'])
    expect(both('count')).toEqual(['1 LIST', '1 LIST'])
    expect(both('findBy')).toEqual(['2 GET', '2 GET'])
    expect(both('missing')).toEqual(['1 GET', '1 GET'])
    // ours: the read, the record's DELETE, the entries' batched delete, the claim's conditional release
    expect(both('delete')).toEqual(['1 GET + 3 DELETE', '1 GET + 1 DELETE'])
    expect(f.insert!.ours.times).toHaveLength(60)
    expect(f.list!.floor.times).toHaveLength(3)
  }, 60_000)
})
