import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import Redis from 'ioredis';
import { queuePrefix } from '../jobs/bullmq-driver';

/**
 * The cache-invalidation bus: every in-process cache (the signed-in user, permissions, sessions, course structure,
 * the users-permissions settings, the REST cache's purge count) registers here under a name, and a drop made on one
 * instance is published over Redis pub/sub so every other instance drops the same entry (issue 21, "Coherence across
 * instances"). Messages carry the sender's instance id, so an instance never handles its own. Pub/sub delivers only
 * to those listening: an instance that loses its subscription drops everything, bypasses its caches (reads the
 * database) until it listens again, and drops everything once more when it does; one that could not publish tells
 * every instance to drop everything once it can again. With no REDIS_URL there is no bus: one instance, local drops,
 * as before.
 */

/** What a cache offers the bus: drop one entry, drop everything. */
export interface LocalCache {
  forget(key: string): void;
  forgetAll(): void;
}

/** The caches of one instance, by name. */
export class CacheRegistry {
  private readonly caches = new Map<string, LocalCache>();

  register(name: string, cache: LocalCache): void {
    this.caches.set(name, cache);
  }

  names(): string[] {
    return [...this.caches.keys()];
  }

  /** Drops `key` of the named cache, or all of it without a key. A name unknown here (another version) is ignored. */
  forget(name: string, key?: string): void {
    const cache = this.caches.get(name);
    if (!cache) return;
    if (key === undefined) cache.forgetAll();
    else cache.forget(key);
  }

  forgetEverything(): void {
    for (const cache of this.caches.values()) cache.forgetAll();
  }
}

/** The caches of this process (one core: every plugin registers in this one). */
export const processCaches = new CacheRegistry();

/** A message's drop: some keys of one cache, all of it (no keys), or every cache (`*`). */
export interface CacheDrop {
  cache: string;
  keys?: string[];
}
export interface BusMessage {
  from: string;
  drops: CacheDrop[];
}
const EVERY_CACHE = '*';

export interface BusOptions {
  redisUrl: string;
  /** One per database: instances of one deployment share it, databases sharing a Redis never do. */
  channel: string;
  instanceId?: string;
  /** Connect and command timeout. */
  timeoutMs?: number;
  /** How often the subscription is checked with a PING: a silent dead connection must not pass for a quiet one. */
  heartbeatMs?: number;
  warn?: (message: string) => void;
}

const WARNING_INTERVAL_MS = 60_000;

export class InvalidationBus {
  readonly instanceId: string;
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly heartbeat: NodeJS.Timeout;
  private listening = false;
  private closed = false;
  /** Drops waiting for the end of this tick: one write fires many row events, and they travel as one message. */
  private pending = new Map<string, Set<string> | null>();
  private isFlushScheduled = false;
  /** Publishes Redis has not confirmed yet. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** A message could not be published: once the publisher is back, every instance is told to drop everything. */
  private hasLostMessages = false;
  private lastWarning = 0;
  private readonly subscribed = new Set<() => void>();

  constructor(
    private readonly registry: CacheRegistry,
    private readonly options: BusOptions
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.channel = options.channel;
    const timeout = options.timeoutMs ?? 1_000;
    const connection = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeout,
      commandTimeout: timeout,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    };
    // The subscription is made again by hand on every connection, and only then are the caches trusted again:
    // ioredis's own resubscription happens after its `ready`, leaving a moment where a message would be missed.
    // Named, so `CLIENT LIST` tells each instance's two connections apart.
    this.subscriber = new Redis(options.redisUrl, {
      ...connection,
      autoResubscribe: false,
      connectionName: `lyceum-cache-bus:${this.instanceId}:subscriber`,
    });
    this.publisher = new Redis(options.redisUrl, {
      ...connection,
      connectionName: `lyceum-cache-bus:${this.instanceId}:publisher`,
    });
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () => this.stopListening());
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    this.subscriber.on('error', (error: Error) => this.warn(`subscriber: ${error.message}`));
    this.publisher.on('error', (error: Error) => this.warn(`publisher: ${error.message}`));
    this.publisher.on('ready', () => {
      if (!this.hasLostMessages) return;
      this.hasLostMessages = false;
      this.publishNow([{ cache: EVERY_CACHE }]);
    });
    this.heartbeat = setInterval(() => this.checkSubscription(), options.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  /** Whether messages reach this instance now: while not, its caches must not be trusted. */
  get isListening(): boolean {
    return this.listening;
  }

  /**
   * Connects; resolves once listening and able to publish, or after the timeout (Redis down: boot goes on, caches
   * bypassed). Both, not only the subscription: a drop published before the publisher's connection is up is lost and
   * turns into drop-everything on every instance, so an instance that answered requests that early would empty the
   * fleet's caches for nothing.
   */
  async start(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 1_000;
    const listening = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.subscribed.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const publishing = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.publisher.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.subscriber.connect().catch((error: Error) => this.warn(`subscriber: ${error.message}`));
    this.publisher.connect().catch((error: Error) => this.warn(`publisher: ${error.message}`));
    await Promise.all([listening, publishing]);
  }

  /** Tells every other instance to drop `key` of `cache` (all of it without a key); sent at the end of this tick. */
  publish(cache: string, key?: string): void {
    if (this.closed) return;
    const keys = this.pending.get(cache);
    if (key === undefined || keys === null) this.pending.set(cache, null);
    else this.pending.set(cache, (keys ?? new Set<string>()).add(key));
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Sends what is pending now and resolves once Redis has taken every drop published so far (never rejects). A write
   * awaits it before its answer leaves (src/middlewares/cache-drops-sent.ts): by the time the caller can ask another
   * instance, Redis has handed that instance the drop, so "the next request" sees the change.
   */
  async settled(): Promise<void> {
    if (this.isFlushScheduled) this.flush();
    if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    clearInterval(this.heartbeat);
    this.subscribed.clear();
    this.subscriber.disconnect();
    if (this.publisher.status === 'ready') await this.publisher.quit().catch(() => undefined);
    else this.publisher.disconnect();
  }

  private flush(): void {
    this.isFlushScheduled = false;
    if (this.pending.size === 0) return;
    const drops = [...this.pending].map(([cache, keys]) => (keys ? { cache, keys: [...keys] } : { cache }));
    this.pending = new Map();
    this.publishNow(drops);
  }

  private publishNow(drops: CacheDrop[]): void {
    if (this.closed) return;
    if (this.publisher.status !== 'ready') {
      this.hasLostMessages = true;
      return;
    }
    const message: BusMessage = { from: this.instanceId, drops };
    const sent = this.publisher
      .publish(this.channel, JSON.stringify(message))
      .catch((error: Error) => {
        this.hasLostMessages = true;
        this.warn(`publish: ${error.message}`);
      })
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      // The connection is not usable for listening: a new one will try again.
      this.warn(`subscribe: ${(error as Error).message}`);
      if (!this.closed) this.subscriber.disconnect(true);
      return;
    }
    if (this.closed) return;
    // Whatever was published while this instance was not listening is lost: forget everything it may have said.
    this.registry.forgetEverything();
    this.listening = true;
    for (const notify of this.subscribed) notify();
    this.subscribed.clear();
  }

  private stopListening(): void {
    if (!this.listening) return;
    this.listening = false;
    this.registry.forgetEverything();
  }

  private checkSubscription(): void {
    if (!this.listening || this.subscriber.status !== 'ready') return;
    this.subscriber.ping().catch(() => {
      if (this.closed) return;
      this.warn('subscription did not answer a PING: reconnecting');
      this.subscriber.disconnect(true);
    });
  }

  private receive(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      this.warn('ignored a message that is not JSON');
      return;
    }
    if (!message || message.from === this.instanceId || !Array.isArray(message.drops)) return;
    for (const drop of message.drops) {
      if (!drop || typeof drop.cache !== 'string') continue;
      if (drop.cache === EVERY_CACHE) {
        this.registry.forgetEverything();
        continue;
      }
      if (!Array.isArray(drop.keys)) this.registry.forget(drop.cache);
      else for (const key of drop.keys) if (typeof key === 'string') this.registry.forget(drop.cache, key);
    }
  }

  private warn(message: string): void {
    if (this.closed || Date.now() - this.lastWarning < WARNING_INTERVAL_MS) return;
    this.lastWarning = Date.now();
    this.options.warn?.(`Cache bus: ${message}`);
  }
}

/** The channel of one database's instances: its prefix is the job queue's, unique per database. */
export const cacheBusChannel = (strapi: Core.Strapi): string => `${queuePrefix(strapi)}:cache-invalidation`;

let appBus: InvalidationBus | undefined;

/** The bus of the running app, when REDIS_URL is set. */
export const cacheBus = (): InvalidationBus | undefined => appBus;

/**
 * Whether this instance's caches may be used: always without a bus (one instance sees all its writes), and with
 * one only while it listens (a message missed meanwhile could leave a blocked user or an old role remembered).
 */
export const cachesAreCoherent = (): boolean => !appBus || appBus.isListening;

/** In the app's bootstrap: joins the bus when REDIS_URL is set. */
export async function startCacheBus(strapi: Core.Strapi): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl || appBus) return;
  appBus = new InvalidationBus(processCaches, {
    redisUrl,
    channel: cacheBusChannel(strapi),
    timeoutMs: Number(process.env.REDIS_TIMEOUT_MS ?? 1_000),
    warn: (message) => strapi.log.warn(message),
  });
  await appBus.start();
}

export async function stopCacheBus(): Promise<void> {
  const bus = appBus;
  appBus = undefined;
  await bus?.close();
}

/**
 * Registers a cache with the bus and returns what drops its entries here and on every other instance. Call the
 * returned functions wherever the cache was dropped locally on a write.
 */
export function sharedCache(name: string, local: LocalCache): LocalCache {
  processCaches.register(name, local);
  return {
    forget(key: string) {
      local.forget(key);
      appBus?.publish(name, key);
    },
    forgetAll() {
      local.forgetAll();
      appBus?.publish(name);
    },
  };
}
