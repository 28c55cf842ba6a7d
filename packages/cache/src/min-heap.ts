/** A binary min-heap ordered by `less`. Internal to the in-memory cache. */
export class MinHeap<T> {
  #items: T[] = []
  readonly #less: (a: T, b: T) => boolean

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less
  }

  get size(): number {
    return this.#items.length
  }

  /** The smallest item, without removing it. */
  peek(): T | undefined {
    return this.#items[0]
  }

  push(item: T): void {
    const items = this.#items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#less(items[i]!, items[parent]!)) break
      this.#swap(i, parent)
      i = parent
    }
  }

  /** Removes and returns the smallest item. */
  pop(): T | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last !== undefined) {
      items[0] = last
      this.#siftDown(0)
    }
    return top
  }

  /** Replaces the contents with `items` in O(n). */
  rebuild(items: T[]): void {
    this.#items = items
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i)
  }

  clear(): void {
    this.#items = []
  }

  #siftDown(i: number): void {
    const items = this.#items
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < items.length && this.#less(items[left]!, items[smallest]!)) smallest = left
      if (right < items.length && this.#less(items[right]!, items[smallest]!)) smallest = right
      if (smallest === i) return
      this.#swap(i, smallest)
      i = smallest
    }
  }

  #swap(a: number, b: number): void {
    const items = this.#items
    const t = items[a]!
    items[a] = items[b]!
    items[b] = t
  }
}
