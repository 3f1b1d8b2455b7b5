/**
 * A Map that empties itself rather than grow past `limit` entries: the memory of an in-process memo whose keys may
 * never repeat (paths with ids in them, one key per course) stays bounded, at the cost of one recomputation per key
 * after an emptying. Simpler than least-recently-used order, and the memos using it hold far fewer live keys than
 * their limit.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}

/** BoundedMap's Set: keys remembered as seen, emptied rather than grown past `limit`. */
export class BoundedSet<T> extends Set<T> {
  constructor(private readonly limit: number) {
    super();
  }

  override add(value: T): this {
    if (this.size >= this.limit && !this.has(value)) this.clear();
    return super.add(value);
  }
}
