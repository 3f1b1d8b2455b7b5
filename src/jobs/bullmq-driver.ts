import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { dueJobIds } from './outbox';
import type { JobDriver, JobDriverState, JobRunner } from './runner';
import type { JobSettings } from './settings';

const QUEUE = 'jobs';
/** Rows handed to the queue by one relay round; a full round is followed by another at once. */
const RELAY_BATCH = 100;
const CLEAN_UP_EVERY_MS = 3_600_000;

/** The BullMQ job id of outbox row `id` (BullMQ refuses ids that are whole numbers). */
export const queueJobId = (id: number): string => `outbox-${id}`;

/**
 * The Redis key prefix of one database's queue: instances on the same database share a queue, and databases that
 * share one Redis (the tests' throwaway ones, staging and production) never see each other's jobs.
 */
export function queuePrefix(strapi: Core.Strapi): string {
  const config = strapi.db.config.connection as { client?: string; connection?: Record<string, unknown> };
  const connection = config.connection ?? {};
  const identity = JSON.stringify([
    strapi.db.dialect.client,
    connection.connectionString ?? null,
    connection.host ?? null,
    connection.port ?? null,
    connection.database ?? null,
    connection.schema ?? null,
    connection.filename ?? null,
  ]);
  const name = String(connection.database ?? connection.filename ?? 'lyceum').replace(/[^A-Za-z0-9_.-]/g, '_');
  return `lyceum:${name.slice(-40)}:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}

/**
 * BullMQ on Redis, for several instances. The outbox row stays the source of truth: a relay hands committed due
 * rows to one queue with the row id in the BullMQ job id (a row relayed twice, by two instances say, is one BullMQ
 * job), and the worker runs each through the database runner's `runNow`: the same conditional claim (so a row never
 * runs twice at once), the same done, retry-with-backoff and dead states (so GET /api/jobs shows them). BullMQ
 * itself makes one attempt per hand-over; a failed row waits in the outbox until due, then the relay hands it over
 * again.
 */
export class BullmqDriver implements JobDriver {
  private readonly prefix: string;
  private queueConnection: Redis | null = null;
  private workerConnection: Redis | null = null;
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private relayTimer: NodeJS.Timeout | null = null;
  private cleanUpTimer: NodeJS.Timeout | null = null;
  private isRelaying = false;
  private relayAgain = false;
  private isStopped = false;

  constructor(
    private readonly strapi: Core.Strapi,
    private readonly settings: JobSettings,
    private readonly runner: JobRunner,
    private readonly redisUrl: string,
    private readonly now: () => number = Date.now
  ) {
    this.prefix = queuePrefix(strapi);
  }

  /** The queue's Redis prefix (tests look into it). */
  get keyPrefix(): string {
    return this.prefix;
  }

  async start(): Promise<void> {
    if (this.queue || this.isStopped) return;
    // The queue fails fast when Redis is away (the relay logs and tries again at its next round); the worker's
    // blocking reads need maxRetriesPerRequest null (a BullMQ requirement).
    this.queueConnection = new Redis(this.redisUrl, { maxRetriesPerRequest: 1 });
    this.queueConnection.on('error', (error: Error) => this.warn('redis', error));
    this.queue = new Queue(QUEUE, {
      connection: this.queueConnection,
      prefix: this.prefix,
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    this.queue.on('error', (error: Error) => this.warn('queue', error));
    if (!this.settings.isWorker) return;
    this.workerConnection = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (error: Error) => this.warn('redis', error));
    this.worker = new Worker<{ id: number }>(QUEUE, (job) => this.runner.runNow(job.data.id), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: this.settings.concurrency,
    });
    this.worker.on('error', (error: Error) => this.warn('worker', error));
    await this.runner.cleanUp();
    this.cleanUpTimer = setInterval(() => void this.runner.cleanUp(), CLEAN_UP_EVERY_MS);
    this.cleanUpTimer.unref();
    this.scheduleRelay(0);
  }

  wake(): void {
    if (this.queue && !this.isStopped) this.scheduleRelay(0);
  }

  state(): JobDriverState {
    if (this.isStopped) return 'stopped';
    return this.queue ? 'ok' : 'not_started';
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.relayTimer) clearTimeout(this.relayTimer);
    if (this.cleanUpTimer) clearInterval(this.cleanUpTimer);
    this.relayTimer = null;
    this.cleanUpTimer = null;
    // The worker first: it waits for the jobs it runs, then the runner for those delivered inline. With Redis away
    // BullMQ's close never ends: it gets a moment, then the connections are cut (no reconnecting handles left).
    const isRedisUp = this.queueConnection?.status === 'ready';
    const closing = (async () => {
      await this.worker?.close(!isRedisUp);
      await this.queue?.close();
    })().catch((error: Error) => this.warn('close', error));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, isRedisUp ? 60_000 : 1_000)))]);
    clearTimeout(timer);
    await this.runner.stop();
    for (const connection of [this.workerConnection, this.queueConnection]) connection?.disconnect();
    this.worker = null;
    this.queue = null;
    this.workerConnection = null;
    this.queueConnection = null;
  }

  /** One relay round: hands the due rows to the queue; the number handed over. */
  async relay(): Promise<number> {
    if (!this.queue || this.isStopped) return 0;
    const ids = await dueJobIds(this.strapi, this.now(), RELAY_BATCH);
    if (ids.length === 0) return 0;
    await this.queue.addBulk(ids.map((id) => ({ name: 'outbox', data: { id }, opts: { jobId: queueJobId(id) } })));
    return ids.length;
  }

  private scheduleRelay(delayMs: number): void {
    if (this.isStopped) return;
    if (this.isRelaying) {
      this.relayAgain = true;
      return;
    }
    if (this.relayTimer) clearTimeout(this.relayTimer);
    this.relayTimer = setTimeout(() => void this.relayLoop(), delayMs);
    this.relayTimer.unref();
  }

  private async relayLoop(): Promise<void> {
    this.relayTimer = null;
    this.isRelaying = true;
    this.relayAgain = false;
    let handed = 0;
    try {
      handed = await this.relay();
    } catch (error) {
      // The database or Redis away for a moment: the next round tries again.
      if (!this.isStopped) this.warn('relay', error as Error);
    } finally {
      this.isRelaying = false;
    }
    if (this.isStopped) return;
    // Only a worker polls (rows committed elsewhere, retries coming due, leases run out); a web-only instance
    // relays its own commits when woken.
    const more = handed === RELAY_BATCH || this.relayAgain;
    if (more) this.scheduleRelay(0);
    else if (this.settings.isWorker && !this.relayTimer) this.scheduleRelay(this.settings.pollMs);
  }

  private warn(what: string, error: Error): void {
    if (!this.isStopped) this.strapi.log.warn(`jobs (bullmq ${what}): ${error.message}`);
  }
}
