import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';

/**
 * Where cached public answers live, read and written by Lyceum's own lookup (src/cache/routes.ts and the
 * public-cache middleware) rather than through the plugin's cacheStore: that one wraps every value in JSON
 * once more and races every read against a fresh timer, which on a hit cost more than the rest of the
 * request. The plugin still lists and deletes keys through the same provider, so its purges (and the admin
 * panel's purge button) reach these entries.
 */
export interface ResponseStore {
  read(key: string): Promise<string | Buffer | undefined> | string | Buffer | undefined;
  /** `uid`: the content type whose cached routes the answer belongs to, for purgeContentType. */
  write(key: string, json: string, maxAgeSeconds: number, uid?: string): Promise<void>;
  /**
   * Drops every answer written for a content type, when the store can find them without listing every key;
   * false when it cannot (the caller then purges through the plugin's key patterns).
   */
  purgeContentType(uid: string): boolean;
}

interface PluginProvider {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, maxAge?: number): Promise<unknown>;
}

/**
 * The REST cache's in-process provider: entries kept as they are given (the JSON bytes of an answer),
 * bounded in number, each with its own lifetime. Replaces the plugin's memory provider, which serialises
 * every value through Keyv and cache-manager on the way in and out.
 */
export class LocalCacheProvider {
  private readonly entries: LRUCache<string, string | Buffer>;
  /**
   * The keys written for each content type and the reverse: a write purges its content type's answers
   * without testing every key against the plugin's route patterns (a few thousand keys on every enrollment).
   */
  private readonly keysByContentType = new Map<string, Set<string>>();
  private readonly contentTypeOfKey = new Map<string, string>();

  constructor(maxEntries: number) {
    this.entries = new LRUCache({
      max: maxEntries,
      dispose: (_value, key) => {
        const uid = this.contentTypeOfKey.get(key);
        if (uid === undefined) return;
        this.contentTypeOfKey.delete(key);
        this.keysByContentType.get(uid)?.delete(key);
      },
    });
  }

  /** Stores an answer of a content type's route. */
  setFor(uid: string, key: string, value: string | Buffer, maxAgeSeconds: number) {
    this.entries.set(key, value, { ttl: maxAgeSeconds * 1000 });
    this.contentTypeOfKey.set(key, uid);
    const keys = this.keysByContentType.get(uid) ?? new Set<string>();
    keys.add(key);
    this.keysByContentType.set(uid, keys);
  }

  deleteContentType(uid: string) {
    for (const key of [...(this.keysByContentType.get(uid) ?? [])]) this.entries.delete(key);
  }

  peek(key: string): string | Buffer | undefined {
    return this.entries.get(key);
  }

  async get(key: string) {
    return this.entries.get(key);
  }

  async set(key: string, value: string | Buffer, maxAgeSeconds = 3600) {
    this.entries.set(key, value, { ttl: maxAgeSeconds * 1000 });
  }

  async del(key: string | string[]) {
    for (const one of Array.isArray(key) ? key : [key]) this.entries.delete(one);
  }

  async keys() {
    return [...this.entries.keys()];
  }

  get ready() {
    return true;
  }
}

const stores = new WeakMap<Core.Strapi, ResponseStore>();

/** The store cached answers go to; undefined when the REST cache is off. */
export const responseStoreOf = (strapi: Core.Strapi): ResponseStore | undefined => stores.get(strapi);

function keyPrefix(strapi: Core.Strapi): string {
  return (strapi.config.get('plugin::rest-cache') as { strategy: { keysPrefix?: string } }).strategy.keysPrefix ?? '';
}

/** Keeps answers in this process (the default, one instance). */
export function useLocalProvider(strapi: Core.Strapi): void {
  if (!strapi.plugin('rest-cache')) return;
  const { provider: settings } = strapi.config.get('plugin::rest-cache') as {
    provider: { options?: { maxSize?: number } };
  };
  const provider = new LocalCacheProvider(settings.options?.maxSize ?? 10_000);
  void strapi.plugin('rest-cache').service('cacheStore').init(provider);
  const prefix = keyPrefix(strapi);
  stores.set(strapi, {
    read: (key) => provider.peek(prefix + key),
    // Bytes, not text: a hit then writes them to the socket without encoding the text again.
    write: async (key, json, maxAgeSeconds, uid) => {
      if (uid) provider.setFor(uid, prefix + key, Buffer.from(json), maxAgeSeconds);
      else await provider.set(prefix + key, Buffer.from(json), maxAgeSeconds);
    },
    purgeContentType: (uid) => {
      provider.deleteContentType(uid);
      return true;
    },
  });
}

/** Keeps answers in a shared provider (Redis), which stores text. */
export function useSharedProvider(strapi: Core.Strapi, provider: PluginProvider): void {
  const prefix = keyPrefix(strapi);
  stores.set(strapi, {
    read: async (key) => {
      const value = await provider.get(prefix + key);
      return typeof value === 'string' ? value : undefined;
    },
    write: async (key, json, maxAgeSeconds) => {
      await provider.set(prefix + key, json, maxAgeSeconds);
    },
    purgeContentType: () => false,
  });
}
