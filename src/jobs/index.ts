import path from 'path';
import type { Core } from '@strapi/strapi';
import { ownTableLocation } from '../database/tables';
import {
  JOBS_TABLE,
  countJobs,
  jobInsertPerRow,
  keyedJobId,
  keyedJobInsertFrom,
  recordJob,
  type JobStatus,
} from './outbox';
import type { SqlStatement } from '../access/raw-sql';
import { BullmqDriver } from './bullmq-driver';
import { JobRunner, type DeliverInstead, type JobDriver, type JobDriverState } from './runner';
import { ScheduleTicker } from './schedules';
import { jobSettings, type JobSettings } from './settings';

/**
 * Durable side effects: a state change records the jobs it causes in its own transaction (the outbox table
 * `lyceum_jobs`), and the job runner delivers them after the commit, with retries, backoff and a dead state admins
 * see and retry (GET /api/jobs, POST /api/jobs/:id/retry). Delivery is at least once, so every handler is
 * idempotent. README "Jobs" has the whole story.
 */

type Handler<Payload> = (strapi: Core.Strapi, payload: Payload) => Promise<void>;

/** A kind of side effect: its type names it in the outbox, `run` performs it (idempotently). */
export interface JobKind<Payload> {
  readonly type: string;
  run(strapi: Core.Strapi, payload: Payload): Promise<void>;
}

const handlers = new Map<string, Handler<never>>();
const kinds = new Map<string, JobKind<never>>();

/**
 * Names a kind of job without its handler, for a kind one module enqueues and another handles (dependencies run one
 * way: progress enqueues `certificates.issue`, the certificates plugin handles it). Declaring a type twice gives the
 * same kind.
 */
export function declareJob<Payload>(type: string): JobKind<Payload> {
  const known = kinds.get(type);
  if (known) return known as JobKind<Payload>;
  const kind: JobKind<Payload> = {
    type,
    run(strapi, payload) {
      const handler = handlers.get(type) as Handler<Payload> | undefined;
      if (!handler) throw new Error(`no handler for job type ${type} in this instance`);
      return handler(strapi, payload);
    },
  };
  kinds.set(type, kind as JobKind<never>);
  return kind;
}

/** Gives a declared kind its handler, once. */
export function handleJob<Payload>(kind: JobKind<Payload>, run: Handler<Payload>): void {
  if (handlers.has(kind.type)) throw new Error(`job type ${kind.type} is handled twice`);
  handlers.set(kind.type, run as Handler<never>);
}

/** Declares a kind of job with its handler once, at module load; the runner finds its handler by `type`. */
export function defineJob<Payload>(type: string, run: Handler<Payload>): JobKind<Payload> {
  if (handlers.has(type)) throw new Error(`job type ${type} is defined twice`);
  const kind = declareJob<Payload>(type);
  handleJob(kind, run);
  return kind;
}

export const jobKind = (type: string): JobKind<unknown> | undefined => kinds.get(type) as JobKind<unknown> | undefined;

/** The handler of a job type in this process, if one was given (what a runner calls). */
export const jobHandler = (type: string): Handler<unknown> | undefined =>
  handlers.get(type) as Handler<unknown> | undefined;

export interface EnqueueOptions {
  /** Idempotency key: a second job with the same type and key is not added. */
  key?: string;
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Attempts before the job is dead (default JOBS_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

/** A recorded job; `deliver()` runs it now (after the caller's transaction), where the answer must wait for it. */
export interface EnqueuedJob {
  /** The job's row in the outbox. */
  readonly id: number;
  /**
   * Runs the job now if no one else is, and resolves when this process's run ends (a failure is recorded for a
   * retry and logged, never thrown). Call it after the transaction that enqueued the job has committed. `instead`
   * runs in place of the handler when this delivery holds the claim: the same work from what the caller has in hand
   * (the handler's first read saved); a retry or another runner still runs the handler.
   */
  deliver(instead?: DeliverInstead): Promise<void>;
}

interface Jobs {
  settings: JobSettings;
  runner: JobRunner;
  driver: JobDriver;
  ticker: ScheduleTicker;
}
const running = new WeakMap<Core.Strapi, Jobs>();
const stopped = new WeakSet<Core.Strapi>();

function jobsOf(strapi: Core.Strapi): Jobs {
  let jobs = running.get(strapi);
  if (!jobs) {
    const settings = jobSettings();
    const runner = new JobRunner(strapi, settings, jobHandler);
    // Inline delivery (`deliver()`) always goes through the runner, whichever driver runs the rest.
    const driver =
      settings.driver === 'bullmq' && settings.redisUrl
        ? new BullmqDriver(strapi, settings, runner, settings.redisUrl)
        : runner;
    const ticker = new ScheduleTicker(
      strapi,
      async (kind, run, key, at) => (await enqueue(strapi, kind, run, { key, runAt: at })).id
    );
    jobs = { settings, runner, driver, ticker };
    running.set(strapi, jobs);
  }
  return jobs;
}

/**
 * Records a job in the caller's transaction (or on its own outside one); it is delivered after the commit, and
 * dropped with a rollback. `payload` must survive JSON.
 */
export async function enqueue<Payload>(
  strapi: Core.Strapi,
  kind: JobKind<Payload>,
  payload: Payload,
  options: EnqueueOptions = {}
): Promise<EnqueuedJob> {
  const jobs = jobsOf(strapi);
  const now = Date.now();
  const record = () =>
    recordJob(strapi, {
      type: kind.type,
      payload: JSON.stringify(payload),
      key: options.key ?? null,
      maxAttempts: options.maxAttempts ?? jobs.settings.maxAttempts,
      runAt: options.runAt?.getTime() ?? now,
      now,
    });
  let id: number;
  if (strapi.db.inTransaction()) {
    id = await strapi.db.transaction(async ({ onCommit }) => {
      onCommit(() => jobs.driver.wake());
      return record();
    });
  } else {
    id = await record();
    jobs.driver.wake();
  }
  return { id, deliver: (instead) => deliverJob(strapi, id, instead) };
}

/**
 * A job recorded by the caller's own statement on PostgreSQL (`jobInsertPerRow`: append `FROM <CTE>`), for a hot
 * write that is one statement without a transaction. Await `recorded()` once that statement has run, so the
 * runner looks for the job at once (after the commit, inside a caller's transaction).
 */
export function enqueueInStatement<Payload>(
  strapi: Core.Strapi,
  kind: JobKind<Payload>,
  payload: Payload
): { statement: SqlStatement; recorded(): Promise<void> } {
  const jobs = jobsOf(strapi);
  const now = Date.now();
  return {
    statement: jobInsertPerRow(strapi, {
      type: kind.type,
      payload: JSON.stringify(payload),
      maxAttempts: jobs.settings.maxAttempts,
      runAt: now,
      now,
    }),
    async recorded() {
      // Inside a caller's transaction the job is visible only after its commit.
      if (!strapi.db.inTransaction()) return jobs.driver.wake();
      await strapi.db.transaction(({ onCommit }) => {
        onCommit(() => jobs.driver.wake());
        return Promise.resolve();
      });
    },
  };
}

/**
 * A keyed job recorded by the caller's own statement on PostgreSQL, once per row of its CTE `from` and only if no job
 * of its kind has the key (`payload` and `key` are SQL expressions over `from`'s columns). For a job due later (a
 * digest at the end of its window) nothing needs waking: the runner's polling finds it when due.
 */
export function enqueueKeyedInStatement<Payload>(
  strapi: Core.Strapi,
  kind: JobKind<Payload>,
  job: { payload: SqlStatement; key: SqlStatement; runAt: Date; from: string }
): SqlStatement {
  const now = Date.now();
  return keyedJobInsertFrom(
    strapi,
    {
      type: kind.type,
      payload: job.payload,
      key: job.key,
      maxAttempts: jobsOf(strapi).settings.maxAttempts,
      runAt: job.runAt.getTime(),
      now,
    },
    job.from
  );
}

/**
 * A keyed job recorded by the caller's own statement on PostgreSQL (once per row of its CTE `from`, unless a job of its
 * kind has the key) for the caller to deliver itself once that statement has committed: the job is written already
 * claimed by this instance's runner (`running`, its first attempt, for one lease), so neither this instance's polling
 * loop, woken by other jobs, nor BullMQ's relay nor another instance takes it while the request is about to run it
 * (each took some, and the request then waited for that run). A process that dies first leaves it to whoever claims
 * it when the lease runs out, as with a worker that dies mid-job. Append `RETURNING id` to `statement` and pass what
 * it returned to `recorded`: null when a job of its kind had the key already (that one is delivered as any other).
 */
export function enqueueHeldInStatement<Payload>(
  strapi: Core.Strapi,
  kind: JobKind<Payload>,
  job: { payload: Payload; key: string; from: string }
): { statement: SqlStatement; recorded(id: number | null): Promise<EnqueuedJob> } {
  const jobs = jobsOf(strapi);
  const now = Date.now();
  const payload = JSON.stringify(job.payload);
  const maxAttempts = jobs.settings.maxAttempts;
  return {
    statement: keyedJobInsertFrom(
      strapi,
      {
        type: kind.type,
        payload: { sql: 'CAST(? AS text)', bindings: [payload] },
        key: { sql: 'CAST(? AS varchar)', bindings: [job.key] },
        maxAttempts,
        runAt: now,
        now,
        heldBy: { workerId: jobs.runner.workerId, until: now + jobs.settings.leaseMs },
      },
      job.from
    ),
    async recorded(id) {
      if (id === null) {
        const found = await keyedJobId(strapi, kind.type, job.key);
        return { id: found, deliver: (instead) => deliverJob(strapi, found, instead) };
      }
      const held = { id, type: kind.type, payload, attempts: 1, maxAttempts };
      return { id, deliver: (instead) => jobs.runner.runHeld(held, instead) };
    },
  };
}

/** Runs one outbox job now (see EnqueuedJob.deliver). */
export async function deliverJob(strapi: Core.Strapi, id: number, instead?: DeliverInstead): Promise<void> {
  try {
    await jobsOf(strapi).runner.runNow(id, instead);
  } catch (error) {
    // The claim itself failed (the database away): the job stays in the outbox for the runner.
    strapi.log.error(`jobs: could not deliver #${id} now: ${(error as Error).message}`);
  }
}

/**
 * At start-up: makes sure of the outbox table (the migration creates it; a database it never saw gets it here) and
 * starts this instance's driver (JOBS_DRIVER): its worker unless JOBS_WORKER=false. A worker also ticks the
 * schedules (src/jobs/schedules.ts), unless CRON_ENABLED=false.
 */
export async function startJobs(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createJobsTable } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'jobs-table.js')
  ) as { createJobsTable: (knex: unknown, schema: string | null) => Promise<void> };
  await createJobsTable(strapi.db.connection, ownTableLocation(strapi.db, JOBS_TABLE).schema);
  const jobs = jobsOf(strapi);
  await jobs.driver.start();
  if (jobs.settings.isWorker && strapi.config.get<boolean>('server.cron.enabled', true)) jobs.ticker.start();
}

/** This instance's driver: its JobRunner (the database driver) or its BullmqDriver. */
export function jobDriver(strapi: Core.Strapi): JobDriver {
  return jobsOf(strapi).driver;
}

/** Asks this instance's runner to look for due jobs now (after a retry, say). */
export function wakeJobs(strapi: Core.Strapi): void {
  jobsOf(strapi).driver.wake();
}

/** At shut-down: no more ticks, no new claims; waits for the jobs running. */
export async function stopJobs(strapi: Core.Strapi): Promise<void> {
  const jobs = running.get(strapi);
  // The ticker first: a tick under way still enqueues through this instance's driver.
  await jobs?.ticker.stop();
  running.delete(strapi);
  stopped.add(strapi);
  await jobs?.driver.stop();
}

/**
 * Whether this instance's jobs work: its driver started and not stopped. A web-only instance (JOBS_WORKER=false)
 * is `ok` once started, since it records jobs and delivers its own.
 */
export function jobsHealth(strapi: Core.Strapi): JobDriverState {
  if (stopped.has(strapi)) return 'stopped';
  return running.get(strapi)?.driver.state() ?? 'not_started';
}

/** The outbox's jobs by status, and the pending ones already due: the queue's depth (for the metrics). */
export function jobQueueDepth(strapi: Core.Strapi): Promise<{ byStatus: Record<JobStatus, number>; due: number }> {
  return countJobs(strapi, Date.now());
}

export { onJobOutcome, type JobOutcome } from './outcomes';
export { JOB_STATUSES } from './outbox';
export type { DeliverInstead, JobDriverState } from './runner';
export { defineSchedule, cadenceFrom, type Cadence, type ScheduledRun } from './schedules';
export type { JobSettings } from './settings';
export type { JobRecord, JobStatus } from './outbox';
