import type { JobDriverState } from '../jobs';

/**
 * Readiness (`GET /_ready`, contract "Operations"): whether this instance should be sent requests. 200 with each
 * part `ok` (Redis `not_configured` when REDIS_URL is unset), else 503 naming what failed. Strapi's `/_health`
 * only says the process lives.
 */

/** No check waits longer than this: a load balancer's probe must get an answer, even from a hung database. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessProbes {
  /** A trivial query (`select 1`) through the app's pool. */
  database: () => Promise<unknown>;
  /** A PING on the app's Redis connection; null when no Redis is configured. */
  redis: (() => Promise<unknown>) | null;
  jobs: () => JobDriverState;
  isShuttingDown: () => boolean;
  /** Whether videos can be converted here (ffmpeg installed); informational, never makes the instance unready. */
  video?: () => 'ok' | 'ffmpeg_missing';
}

export interface ReadinessBody {
  database?: 'ok' | 'down';
  redis?: 'ok' | 'down' | 'not_configured';
  jobs?: JobDriverState;
  process?: 'shutting_down';
  video?: 'ok' | 'ffmpeg_missing';
}

export interface Readiness {
  status: 200 | 503;
  body: ReadinessBody;
}

/** What `work` resolves to within `timeoutMs`; undefined when it fails or takes longer (it is not cancelled). */
export async function valueWithin<T>(work: () => Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(work)
        .catch(() => undefined),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `check` succeeds within `timeoutMs`. */
export async function passesWithin(check: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return (
    (await valueWithin(async () => {
      await check();
      return true;
    }, timeoutMs)) ?? false
  );
}

export async function checkReadiness(
  probes: ReadinessProbes,
  timeoutMs: number = READINESS_CHECK_TIMEOUT_MS
): Promise<Readiness> {
  // From the first moment of a shutdown: no checks, whose queries would compete with the requests still finishing
  // for the pool's last connections.
  if (probes.isShuttingDown()) return { status: 503, body: { process: 'shutting_down' } };
  const [isDatabaseUp, isRedisUp] = await Promise.all([
    passesWithin(probes.database, timeoutMs),
    probes.redis ? passesWithin(probes.redis, timeoutMs) : Promise.resolve(null),
  ]);
  const body: ReadinessBody = {
    database: isDatabaseUp ? 'ok' : 'down',
    redis: isRedisUp === null ? 'not_configured' : isRedisUp ? 'ok' : 'down',
    jobs: probes.jobs(),
    ...(probes.video ? { video: probes.video() } : {}),
  };
  const isReady = body.database === 'ok' && body.redis !== 'down' && body.jobs === 'ok';
  return { status: isReady ? 200 : 503, body };
}
