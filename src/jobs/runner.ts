import { hostname } from 'os';
import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { SqlStatement } from '../access/raw-sql';
import { claimJobs, deleteDoneBefore, doneStatement, findJob, markDone, markFailed, type ClaimedJob } from './outbox';
import { reportJobOutcome } from './outcomes';
import { afterFailure, type JobSettings } from './settings';

/** How a job kind's handler is found by type (src/jobs/index.ts keeps the registry). */
export type HandlerLookup = (type: string) => ((strapi: Core.Strapi, payload: unknown) => Promise<void>) | undefined;

/**
 * What an inline delivery runs in place of the handler: the same work from what its caller has in hand. It is given
 * the statement that marks the job done; true when its own last write carried it (one round trip less), otherwise
 * the runner runs it after.
 */
export type DeliverInstead = (markDone: SqlStatement) => Promise<boolean | void>;

/** What runs the outbox's jobs: the database-polling runner here, BullMQ when REDIS_URL is set (bullmq-driver.ts). */
export interface JobDriver {
  /** Begins taking jobs (a worker instance only). */
  start(): Promise<void>;
  /** A job was committed: look for it now rather than at the next poll. */
  wake(): void;
  /** Stops taking jobs and waits for the ones running. */
  stop(): Promise<void>;
  /** Whether jobs can be enqueued and run now (what /_ready reports as `jobs`). */
  state(): JobDriverState;
}

/**
 * `ok`: started (a worker takes jobs; a web-only instance records and delivers its own), `not_started` before
 * start-up ends, `stopped` from shutdown on.
 */
export type JobDriverState = 'ok' | 'not_started' | 'stopped';

const CLEAN_UP_EVERY_MS = 3_600_000;
// An inline delivery that lost the claim waits for the winner's run at most this long, looking every step.
const MAX_INLINE_WAIT_MS = 30_000;
const INLINE_WAIT_STEP_MS = 20;

/**
 * Claims and runs jobs: `runNow` for one job (delivery inline, and the drivers' workers), and a polling loop for the
 * database driver. Delivery is at least once: a worker that dies mid-job leaves it running until its lease runs
 * out, then another claims it and runs it again, so handlers are idempotent.
 */
export class JobRunner implements JobDriver {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<number, Promise<void>>();
  private pollTimer: NodeJS.Timeout | null = null;
  private cleanUpTimer: NodeJS.Timeout | null = null;
  private isPolling = false;
  /** Polling (a worker only). */
  private isStarted = false;
  /** Start-up reached this runner, worker or not. */
  private isOpen = false;
  private isStopped = false;

  constructor(
    private readonly strapi: Core.Strapi,
    private readonly settings: JobSettings,
    private readonly handlerOf: HandlerLookup,
    private readonly now: () => number = Date.now
  ) {}

  async start(): Promise<void> {
    this.isOpen = true;
    if (this.isStarted || !this.settings.isWorker) return;
    this.isStarted = true;
    await this.cleanUp();
    this.cleanUpTimer = setInterval(() => void this.cleanUp(), CLEAN_UP_EVERY_MS);
    this.cleanUpTimer.unref();
    this.schedulePoll(0);
  }

  wake(): void {
    if (this.isStarted && !this.isStopped) this.schedulePoll(0);
  }

  state(): JobDriverState {
    if (this.isStopped) return 'stopped';
    return this.isOpen ? 'ok' : 'not_started';
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.cleanUpTimer) clearInterval(this.cleanUpTimer);
    this.pollTimer = null;
    this.cleanUpTimer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Runs job `id` now if it is due and free; when this process is running it already, waits for that run. A job
   * another instance holds is left to it. `instead`: what this run does in place of the handler when it holds the
   * claim (a caller that has in hand what the handler would read first); the outcome is recorded the same way.
   */
  async runNow(id: number, instead?: DeliverInstead): Promise<void> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    if (this.isStopped) return;
    const job = await this.claimOne(id);
    if (job) return this.track(job, instead);
    return this.awaitRunElsewhere(id);
  }

  /**
   * Runs a job this runner holds from its recording on (written `running`, locked by this worker: index.ts's
   * enqueueHeldInStatement), so there is no claim to make. Once stopped it is left to whoever claims it when its lease
   * runs out.
   */
  async runHeld(job: ClaimedJob, instead?: DeliverInstead): Promise<void> {
    const inFlight = this.running.get(job.id);
    if (inFlight) return inFlight;
    if (this.isStopped) return;
    return this.track(job, instead);
  }

  private async claimOne(id: number): Promise<ClaimedJob | undefined> {
    const [job] = await claimJobs(this.strapi, {
      workerId: this.workerId,
      now: this.now(),
      leaseMs: this.settings.leaseMs,
      limit: 1,
      onlyId: id,
    });
    return job;
  }

  /**
   * Our claim found job `id` unclaimable: another claim holds it (this process's polling loop or BullMQ worker,
   * tracked only once its claim returns, or another instance), or held the row locked while it was still pending
   * (the claim skips locked rows). The caller's answer waits for that run to end, within the lease, and claims the
   * job itself should the other claim have let it go; so "enrolled before the answer" holds whichever claim won.
   */
  private async awaitRunElsewhere(id: number): Promise<void> {
    const deadline = Date.now() + Math.min(this.settings.leaseMs, MAX_INLINE_WAIT_MS);
    for (;;) {
      const tracked = this.running.get(id);
      if (tracked) return tracked;
      const job = await findJob(this.strapi, id);
      if (!job || job.status === 'done' || job.status === 'dead' || this.isStopped || Date.now() >= deadline) return;
      if (job.status === 'pending') {
        // A failed run waiting for its retry: the runner has it.
        if (Date.parse(job.runAt) > this.now()) return;
        const claimed = await this.claimOne(id);
        if (claimed) return this.track(claimed);
      }
      await new Promise((resolve) => setTimeout(resolve, INLINE_WAIT_STEP_MS));
    }
  }

  /** One round of the polling loop: claims what fits in the free slots and runs it. */
  async poll(): Promise<number> {
    const free = this.settings.concurrency - this.running.size;
    if (free <= 0 || this.isStopped) return 0;
    const jobs = await claimJobs(this.strapi, {
      workerId: this.workerId,
      now: this.now(),
      leaseMs: this.settings.leaseMs,
      limit: free,
    });
    for (const job of jobs) void this.track(job);
    return jobs.length;
  }

  async cleanUp(): Promise<void> {
    try {
      await deleteDoneBefore(this.strapi, this.now() - this.settings.keepDoneMs);
    } catch (error) {
      this.strapi.log.warn(`jobs: clean-up failed: ${(error as Error).message}`);
    }
  }

  private schedulePoll(delayMs: number): void {
    if (this.isStopped) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.pollLoop(), delayMs);
    this.pollTimer.unref();
  }

  private async pollLoop(): Promise<void> {
    this.pollTimer = null;
    if (this.isPolling || this.isStopped) return;
    this.isPolling = true;
    let claimed = 0;
    try {
      claimed = await this.poll();
    } catch (error) {
      // The database away for a moment (a restart, a failover): the next poll tries again.
      if (!this.isStopped) this.strapi.log.warn(`jobs: poll failed: ${(error as Error).message}`);
    } finally {
      this.isPolling = false;
    }
    // A full batch: there may be more due at once. Otherwise wait for the next poll, or a wake.
    if (!this.pollTimer) this.schedulePoll(claimed > 0 ? 0 : this.settings.pollMs);
  }

  private track(job: ClaimedJob, instead?: DeliverInstead): Promise<void> {
    const run = this.execute(job, instead).finally(() => {
      this.running.delete(job.id);
      this.wake();
    });
    this.running.set(job.id, run);
    return run;
  }

  private async execute(job: ClaimedJob, instead?: DeliverInstead): Promise<void> {
    try {
      // Leases that ran out again and again: the job takes its worker down with it. Not run another time.
      if (job.attempts > job.maxAttempts)
        throw new Error(`its worker stopped during each of ${job.maxAttempts} attempts`);
      let isMarkedDone = false;
      if (instead) isMarkedDone = (await instead(doneStatement(this.strapi, job.id, this.now()))) === true;
      else {
        const handler = this.handlerOf(job.type);
        if (!handler) throw new Error(`no handler for job type ${job.type} in this instance`);
        await handler(this.strapi, JSON.parse(job.payload) as unknown);
      }
      if (!isMarkedDone) await markDone(this.strapi, job.id, this.now());
      reportJobOutcome(job.type, 'done');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const next = afterFailure(job.attempts, job.maxAttempts, this.now(), this.settings);
      const outcome = next.status === 'dead' ? 'dead' : `retried at ${new Date(next.runAt).toISOString()}`;
      this.strapi.log.error(`jobs: ${job.type} #${job.id} failed (attempt ${job.attempts}, ${outcome}): ${message}`);
      reportJobOutcome(job.type, next.status === 'dead' ? 'dead' : 'retry');
      try {
        await markFailed(this.strapi, { id: job.id, workerId: this.workerId, error: message, now: this.now(), next });
      } catch (markError) {
        // The lease runs out and another attempt follows.
        this.strapi.log.error(`jobs: could not record the failure of #${job.id}: ${(markError as Error).message}`);
      }
    }
  }
}
