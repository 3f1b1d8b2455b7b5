import type { ServerResponse } from 'http';
import type { Core } from '@strapi/strapi';
import { stopJobs } from '../jobs';
import { beginShutdown, shutdownTimeoutMs } from './lifecycle';

/**
 * Graceful shutdown, built on Strapi's own: on SIGTERM or SIGINT Strapi calls `strapi.destroy()` and exits 0 when it
 * resolves (@strapi/core utils/signals.js). Its destroy stops the plugins (GraphQL's Apollo server among them),
 * then cuts every open connection, then closes the database pool, so a request in flight would be cut. Here
 * destroy first drains:
 *   1. the process is marked shutting down (readiness answers 503), the listening socket closes (new connections
 *      are refused) and idle keep-alive connections with it; answers still to come carry `Connection: close`;
 *   2. it waits for the requests in flight, then stops the jobs (no more ticks or claims, the running ones
 *      finish), all within SHUTDOWN_TIMEOUT_MS;
 *   3. Strapi's destroy follows: plugins, the app's destroy (Redis), connections left, the database pool.
 * A job still running past the timeout is cut with the pool; its lease runs out and another worker runs it again.
 */
export function drainOnShutdown(strapi: Core.Strapi): void {
  const server = strapi.server.httpServer;
  const inFlight = new Set<ServerResponse>();
  let isDraining = false;
  let onIdle: (() => void) | null = null;

  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    if (isDraining) response.setHeader('Connection', 'close');
    response.once('close', () => {
      inFlight.delete(response);
      if (inFlight.size === 0) onIdle?.();
    });
  });

  const waitUntil = (deadline: number, done: Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  };

  const drain = async () => {
    beginShutdown();
    isDraining = true;
    const deadline = Date.now() + shutdownTimeoutMs();
    // The close ends once every connection has; Strapi's destroy cuts those still open at the deadline.
    if (server.listening) server.close(() => undefined);
    for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
    if (inFlight.size > 0) {
      strapi.log.info(`shutdown: waiting for ${inFlight.size} request(s) in flight`);
      await waitUntil(deadline, new Promise<void>((resolve) => (onIdle = resolve)));
    }
    await waitUntil(deadline, stopJobs(strapi));
    if (inFlight.size > 0) strapi.log.warn(`shutdown: ${inFlight.size} request(s) still in flight are cut`);
    if (Date.now() >= deadline) strapi.log.warn('shutdown: the timeout ran out; what still runs is cut');
  };

  const destroy = strapi.destroy.bind(strapi);
  let destroying: Promise<void> | null = null;
  // Strapi's signal handler, a test's stop and a second signal all share one shutdown.
  strapi.destroy = () => (destroying ??= drain().then(destroy));
}
