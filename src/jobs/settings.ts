/**
 * The job runner's settings (JOBS_* variables) and its retry rule. Pure, so the rules are unit-tested.
 */
/** What runs the jobs: the database-polling runner, or BullMQ on Redis (README "Jobs"). */
export type JobDriverName = 'database' | 'bullmq';

export interface JobSettings {
  /** JOBS_DRIVER, or bullmq when REDIS_URL is set and database otherwise. */
  driver: JobDriverName;
  /** REDIS_URL: the BullMQ driver's Redis. */
  redisUrl: string | null;
  /** Whether this instance runs jobs from the outbox (false: a web-only instance; it still delivers inline). */
  isWorker: boolean;
  /** How often an idle runner looks for due jobs. */
  pollMs: number;
  /** How long a claim holds a job: a worker that dies mid-job gives it up when this runs out. */
  leaseMs: number;
  /** Attempts before a job is dead (unless the job was enqueued with its own). */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each further one, up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Jobs run at once by one instance's runner. */
  concurrency: number;
  /** How long done jobs are kept (to look into) before the clean-up deletes them. Dead ones stay until retried. */
  keepDoneMs: number;
}

const HOUR = 3_600_000;

function wholeNumber(value: string | undefined, fallback: number, minimum: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum)
    throw new Error(`expected a whole number of at least ${minimum}, got "${value}"`);
  return parsed;
}

function setting(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  try {
    return wholeNumber(env[name], fallback, minimum);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}

function driverOf(env: NodeJS.ProcessEnv, redisUrl: string | null): JobDriverName {
  const chosen = (env.JOBS_DRIVER ?? '').trim().toLowerCase();
  if (chosen === '') return redisUrl ? 'bullmq' : 'database';
  if (chosen !== 'database' && chosen !== 'bullmq')
    throw new Error(`JOBS_DRIVER: expected database or bullmq, got "${env.JOBS_DRIVER}"`);
  if (chosen === 'bullmq' && !redisUrl) throw new Error('JOBS_DRIVER: bullmq needs REDIS_URL');
  return chosen;
}

export function jobSettings(env: NodeJS.ProcessEnv = process.env): JobSettings {
  const backoffBaseMs = setting(env, 'JOBS_BACKOFF_BASE_MS', 5_000, 0);
  const redisUrl = env.REDIS_URL?.trim() || null;
  return {
    driver: driverOf(env, redisUrl),
    redisUrl,
    isWorker: !['false', '0', 'no', 'off'].includes((env.JOBS_WORKER ?? 'true').trim().toLowerCase()),
    pollMs: setting(env, 'JOBS_POLL_MS', 1_000, 10),
    leaseMs: setting(env, 'JOBS_LEASE_MS', 5 * 60_000, 100),
    maxAttempts: setting(env, 'JOBS_MAX_ATTEMPTS', 8, 1),
    backoffBaseMs,
    backoffMaxMs: Math.max(backoffBaseMs, setting(env, 'JOBS_BACKOFF_MAX_MS', HOUR, 0)),
    concurrency: setting(env, 'JOBS_CONCURRENCY', 4, 1),
    keepDoneMs: setting(env, 'JOBS_KEEP_DONE_HOURS', 24 * 7, 0) * HOUR,
  };
}

/** The wait before the next attempt after `attempts` failed ones: base, 2×base, 4×base… capped. */
export function retryDelayMs(attempts: number, settings: Pick<JobSettings, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  const doublings = Math.min(Math.max(attempts - 1, 0), 40);
  return Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** doublings);
}

/** What a failed attempt leaves: another try later, or a dead job once its attempts are used up. */
export function afterFailure(
  attempts: number,
  maxAttempts: number,
  now: number,
  settings: Pick<JobSettings, 'backoffBaseMs' | 'backoffMaxMs'>
): { status: 'pending'; runAt: number } | { status: 'dead' } {
  if (attempts >= maxAttempts) return { status: 'dead' };
  return { status: 'pending', runAt: now + retryDelayMs(attempts, settings) };
}
