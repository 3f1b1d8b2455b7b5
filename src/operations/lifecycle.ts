/**
 * The process's shutdown state, one per process. It turns on at the first moment of shutdown (the signal, before
 * anything is closed) and never back: the readiness check answers 503 from then on, so a load balancer takes the
 * instance out of rotation while it finishes what it has (src/operations/graceful-shutdown.ts).
 */
let shutdownBegunAt: number | null = null;

/** Whether this process has begun to shut down. */
export function isShuttingDown(): boolean {
  return shutdownBegunAt !== null;
}

/** Marks the process as shutting down (idempotent: the first call's time stays). */
export function beginShutdown(now: number = Date.now()): void {
  shutdownBegunAt ??= now;
}

/** When shutdown began (ms since the epoch), or null. */
export function shutdownBegunAtMs(): number | null {
  return shutdownBegunAt;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * SHUTDOWN_TIMEOUT_MS: how long shutdown waits for in-flight requests and running jobs before it closes the pools
 * anyway. The default leaves 5 s of an orchestrator's usual 30 s grace period for the rest of the close.
 */
export function shutdownTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.SHUTDOWN_TIMEOUT_MS?.trim();
  if (!value) return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`SHUTDOWN_TIMEOUT_MS: expected a whole number of ms, got "${env.SHUTDOWN_TIMEOUT_MS}"`);
  return parsed;
}
