import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import net from 'net';
import Redis from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { CacheRegistry, InvalidationBus, type LocalCache } from '../../src/cache/bus';
import { limiterOn, type SharedLimitStore } from '../../src/access/rate-limit';

/**
 * The cache-invalidation bus and the shared rate limits between instances, with each "instance" a bus (or limiter) of
 * its own in this process, on the Redis of the PostgreSQL + Redis run, and on a private redis-server this file stops
 * and starts for the outage cases. Without REDIS_URL (the SQLite run) it is skipped: there is no bus then.
 */
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

/** A cache as an instance holds it: entries, and a record of what the bus made it drop. */
function mapCache() {
  const entries = new Map<string, string>();
  const dropped: string[] = [];
  const cache: LocalCache = {
    forget(key) {
      dropped.push(key);
      entries.delete(key);
    },
    forgetAll() {
      dropped.push('*');
      entries.clear();
    },
  };
  return { entries, dropped, cache };
}

function instance(url: string, channel: string) {
  const things = mapCache();
  const registry = new CacheRegistry();
  registry.register('things', things.cache);
  const bus = new InvalidationBus(registry, { redisUrl: url, channel, heartbeatMs: 200 });
  return { bus, things };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return Date.now() - started;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of this test's own (the shared one is never stopped). */
class PrivateRedis {
  private process: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start() {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      }
    );
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          if (Date.now() > deadline) throw new Error('redis-server did not start');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }
  async stop() {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
  }
}

describeWithRedis('the cache-invalidation bus', () => {
  const channel = `lyceum-test:${randomUUID()}:cache-invalidation`;
  let a: ReturnType<typeof instance>;
  let b: ReturnType<typeof instance>;

  beforeAll(async () => {
    a = instance(redisUrl!, channel);
    b = instance(redisUrl!, channel);
    await Promise.all([a.bus.start(), b.bus.start()]);
    expect(a.bus.isListening && b.bus.isListening).toBe(true);
    // One message each way first: the measure below is of a warm connection, not of loading code.
    a.bus.publish('things', 'warm-up');
    b.bus.publish('things', 'warm-up');
    await until(() => a.things.dropped.includes('warm-up') && b.things.dropped.includes('warm-up'), 'the warm-up');
  });
  afterAll(async () => {
    await Promise.all([a.bus.close(), b.bus.close()]);
  });

  test('a key dropped on instance A is dropped on instance B within 100 ms, and only that key', async () => {
    b.things.entries.set('user:1', 'old');
    b.things.entries.set('user:2', 'old');
    a.bus.publish('things', 'user:1');
    const elapsed = await until(() => !b.things.entries.has('user:1'), 'B to drop the key');
    expect(elapsed).toBeLessThan(100);
    expect(b.things.entries.has('user:2')).toBe(true);
  });

  test('an instance does not handle its own messages', async () => {
    a.things.dropped.length = 0;
    a.bus.publish('things', 'mine');
    await until(() => b.things.dropped.includes('mine'), 'B to receive A’s message');
    // B answers after A's message reached it; Redis delivers in order, so A has seen its own message by then.
    b.bus.publish('things', 'from-b');
    await until(() => a.things.dropped.includes('from-b'), 'A to receive B’s message');
    expect(a.things.dropped).toEqual(['from-b']);
  });

  test('a drop without a key empties the cache on the other instance; unknown caches and junk are ignored', async () => {
    b.things.entries.set('x', '1');
    b.things.entries.set('y', '2');
    const raw = new Redis(redisUrl!);
    try {
      await raw.publish(channel, 'not json');
      await raw.publish(channel, JSON.stringify({ from: 'elsewhere', drops: [{ cache: 'unknown-cache' }] }));
    } finally {
      raw.disconnect();
    }
    a.bus.publish('things');
    await until(() => b.things.entries.size === 0, 'B to empty its cache');
    expect(b.bus.isListening).toBe(true);
  });

  test('a drop that could not be published is followed, once the publisher is back, by drop-everything', async () => {
    const raw = new Redis(redisUrl!);
    try {
      const clients = String(await raw.client('LIST'));
      const line = clients
        .split('\n')
        .find((entry) => entry.includes(`name=lyceum-cache-bus:${a.bus.instanceId}:publisher`));
      const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      b.things.entries.set('user:9', 'old');
      b.things.dropped.length = 0;
      await raw.client('KILL', 'ID', id!);
      // Published while A's publisher reconnects (its first retry waits 200 ms): the message is lost.
      await new Promise((resolve) => setTimeout(resolve, 20));
      a.bus.publish('things', 'user:9');
      await until(() => b.things.dropped.includes('*'), 'drop-everything from A');
      expect(b.things.entries.size).toBe(0);
      expect(b.bus.isListening).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  test('once start() has resolved, a drop reaches the others as itself, not as drop-everything', async () => {
    // start() waits for the publisher too: a drop sent before its connection was up would be lost and replaced by
    // drop-everything once it came up.
    const late = instance(redisUrl!, channel);
    await late.bus.start();
    try {
      b.things.dropped.length = 0;
      late.bus.publish('things', 'first-words');
      await until(() => b.things.dropped.length > 0, 'B to receive the new instance’s first drop');
      expect(b.things.dropped).toEqual(['first-words']);
    } finally {
      await late.bus.close();
    }
  });

  test('drops on another database’s channel never arrive', async () => {
    const other = instance(redisUrl!, `lyceum-test:${randomUUID()}:cache-invalidation`);
    await other.bus.start();
    try {
      b.things.entries.set('kept', '1');
      other.bus.publish('things', 'kept');
      other.bus.publish('things');
      // A message on the shared channel after them: once it arrived, the others would have too.
      a.bus.publish('things', 'marker');
      await until(() => b.things.dropped.includes('marker'), 'the marker');
      expect(b.things.entries.has('kept')).toBe(true);
    } finally {
      await other.bus.close();
    }
  });
});

describeWithRedis('the bus across a Redis outage', () => {
  let redis: PrivateRedis;
  let a: ReturnType<typeof instance>;
  let b: ReturnType<typeof instance>;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const channel = `lyceum-test:${randomUUID()}:cache-invalidation`;
    a = instance(redis.url, channel);
    b = instance(redis.url, channel);
    await Promise.all([a.bus.start(), b.bus.start()]);
  });
  afterAll(async () => {
    await Promise.all([a?.bus.close(), b?.bus.close()]);
    await redis?.stop();
  });

  test('losing Redis drops everything and stops trusting the caches; getting it back drops everything again', async () => {
    b.things.entries.set('user:7', 'remembered before the outage');
    await redis.stop();
    await until(() => !b.bus.isListening, 'B to notice the outage');
    expect(b.things.entries.size).toBe(0);

    // Remembered during the outage, while A's drop cannot be published: it is lost.
    b.things.entries.set('user:7', 'remembered during the outage');
    a.bus.publish('things', 'user:7');
    b.things.dropped.length = 0;

    await redis.start();
    await until(() => a.bus.isListening && b.bus.isListening, 'both to listen again');
    expect(b.things.dropped).toContain('*');
    expect(b.things.entries.size).toBe(0);
  });
});

describeWithRedis('shared rate limits', () => {
  test('two instances’ limiters on one Redis share one count', async () => {
    const client = new Redis(redisUrl!, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    await new Promise((resolve) => client.once('ready', resolve));
    try {
      const store: SharedLimitStore = { client, prefix: `lyceum-test:${randomUUID()}` };
      const options = { keyPrefix: 'auth-ip', points: 5, durationSeconds: 60 };
      const first = limiterOn(store, options);
      const second = limiterOn(store, options);
      for (let i = 0; i < 3; i += 1) await first.consume('10.0.0.1');
      for (let i = 0; i < 2; i += 1) await second.consume('10.0.0.1');
      await expect(second.consume('10.0.0.1')).rejects.toBeInstanceOf(RateLimiterRes);
      await expect(first.consume('10.0.0.1')).rejects.toBeInstanceOf(RateLimiterRes);
      // Another address, and the same address under another database's prefix, count on their own.
      await expect(first.consume('10.0.0.2')).resolves.toBeInstanceOf(RateLimiterRes);
      const otherDatabase = limiterOn({ client, prefix: `lyceum-test:${randomUUID()}` }, options);
      await expect(otherDatabase.consume('10.0.0.1')).resolves.toBeInstanceOf(RateLimiterRes);
    } finally {
      client.disconnect();
    }
  });

  test('with Redis unreachable a limiter still answers, counting in memory', async () => {
    const redis = new PrivateRedis(await freePort());
    // Never started: every command fails at once.
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    try {
      const limiter = limiterOn(
        { client, prefix: 'lyceum-test:down' },
        { keyPrefix: 'feedback', points: 2, durationSeconds: 60 }
      );
      await expect(limiter.consume('10.0.0.3')).resolves.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume('10.0.0.3')).resolves.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume('10.0.0.3')).rejects.toBeInstanceOf(RateLimiterRes);
    } finally {
      client.disconnect();
    }
  });
});
