import { createHash, timingSafeEqual } from 'crypto';
import type { Core } from '@strapi/strapi';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JOB_STATUSES, jobQueueDepth, onJobOutcome } from '../jobs';
import { valueWithin } from './readiness';

/**
 * Prometheus metrics (`GET /metrics`, contract "Operations"), in a registry of Lyceum's own (never prom-client's
 * global one, which any dependency may fill): request latency by route template, the job outbox, the database pool
 * and the process. README "Metrics" lists every series.
 */

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** A scrape waits no longer than this for the outbox counts; past it the job gauges are left out of the answer. */
const COUNT_TIMEOUT_MS = 2_000;

export interface HttpObservation {
  method: string;
  route: string;
  statusCode: number;
  seconds: number;
}

export interface LyceumMetrics {
  readonly registry: Registry;
  /** The Prometheus text of every series, the outbox counted afresh. */
  render(): Promise<string>;
  observeRequest(observation: HttpObservation): void;
  close(): void;
}

interface KnexPool {
  max?: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(strapi: Core.Strapi): KnexPool | null {
  const pool = (strapi.db?.connection as unknown as { client?: { pool?: Partial<KnexPool> } } | undefined)?.client
    ?.pool;
  return pool && typeof pool.numUsed === 'function' ? (pool as KnexPool) : null;
}

export function createMetrics(strapi: Core.Strapi): LyceumMetrics {
  const registry = new Registry();
  // Started by the first scrape: an instance nobody scrapes (METRICS_TOKEN unset, every test boot) keeps no
  // event-loop monitor or GC observer running for nothing.
  let isCollectingProcessMetrics = false;

  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const jobAttempts = new Counter({
    name: 'lyceum_job_attempts_total',
    help: 'Job attempts run by this process, by job type and outcome (done, retry: failed and rescheduled, dead)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const stopWatchingJobs = onJobOutcome((type, outcome) => jobAttempts.inc({ type, outcome }));

  // Set from one count of the outbox (shared by every instance) per scrape, in render().
  const jobs = new Gauge({
    name: 'lyceum_jobs',
    help: 'Jobs in the outbox (lyceum_jobs), by status; status="dead" are the dead letters awaiting an admin',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const dueJobs = new Gauge({
    name: 'lyceum_jobs_due',
    help: 'Pending jobs whose time has come: the backlog waiting for a worker',
    registers: [registry],
  });
  const countJobs = async () => {
    jobs.reset();
    dueJobs.reset();
    // The database away or slow: the scrape still answers, without the job gauges.
    const counted = await valueWithin(() => jobQueueDepth(strapi), COUNT_TIMEOUT_MS);
    if (!counted) return;
    for (const status of JOB_STATUSES) jobs.set({ status }, counted.byStatus[status]);
    dueJobs.set(counted.due);
  };

  new Gauge({
    name: 'lyceum_db_pool_connections',
    help: "Connections of this instance's database pool: used, free, and pending (requests waiting for one)",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = poolOf(strapi);
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });
  new Gauge({
    name: 'lyceum_db_pool_max_connections',
    help: "The largest size of this instance's database pool (DATABASE_POOL_MAX)",
    registers: [registry],
    collect() {
      const max = poolOf(strapi)?.max;
      if (typeof max === 'number') this.set(max);
    },
  });

  return {
    registry,
    async render() {
      if (!isCollectingProcessMetrics) {
        collectDefaultMetrics({ register: registry });
        isCollectingProcessMetrics = true;
      }
      await countJobs();
      return registry.metrics();
    },
    observeRequest({ method, route, statusCode, seconds }) {
      requestDuration.observe(
        { method: KNOWN_METHODS.has(method) ? method : 'OTHER', route, status_code: String(statusCode) },
        seconds
      );
    },
    close() {
      stopWatchingJobs();
      registry.clear();
    },
  };
}

/**
 * Whether an Authorization header carries `Bearer <token>`. Both sides are hashed first, so the comparison takes
 * the same time whatever the length or the first differing character.
 */
export function isMetricsCaller(authorization: string | undefined, token: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!sent) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}
