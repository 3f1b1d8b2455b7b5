import { LRUCache } from 'lru-cache';

/**
 * Reads remembered by key, in flight and after: every caller of a key shares one promise until it is older than
 * `ttl`, is forgotten, or fails (a failed read is not kept: the next caller reads again). Past `max` keys the least
 * recently used goes, so a full memo does not forget what is read right now.
 *
 * The per-request memos of the Strapi patches, the course structures and the sessions all kept this by hand; one
 * place also makes sure a read that fails late drops only its own entry, not a newer one set after a forget.
 */
export class RememberedLoads<Value, Tag = undefined> {
  private readonly entries: LRUCache<string, { value: Promise<Value>; tag: Tag }>;

  constructor({ max, ttl }: { max: number; ttl?: number }) {
    this.entries = new LRUCache(ttl === undefined ? { max } : { max, ttl });
  }

  /**
   * The promise remembered for `key`, else `load()`'s, remembered with `tag` (what `forgetTagged` selects by).
   * `keep` false for a value: it is forgotten once read (an empty read the next caller should repeat).
   */
  get(key: string, load: () => Promise<Value>, options: { tag?: Tag; keep?: (value: Value) => boolean } = {}) {
    const cached = this.entries.get(key);
    if (cached) return cached.value;
    const entry = { value: load(), tag: options.tag as Tag };
    this.entries.set(key, entry);
    const drop = () => {
      // peek: neither refreshes the entry's recency nor returns it once expired.
      if (this.entries.peek(key) === entry) this.entries.delete(key);
    };
    entry.value.then((value) => {
      if (options.keep && !options.keep(value)) drop();
    }, drop);
    return entry.value;
  }

  forget(key: string) {
    this.entries.delete(key);
  }

  forgetAll() {
    this.entries.clear();
  }

  /** Forgets every entry whose tag `matches`. */
  forgetTagged(matches: (tag: Tag) => boolean) {
    const tagged = [...this.entries.entries()].filter(([, entry]) => matches(entry.tag)).map(([key]) => key);
    for (const key of tagged) this.entries.delete(key);
  }

  /** The keys remembered now (not expired), most recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
