import type { Core } from '@strapi/strapi';
import { connectForgivingRedis } from '../cache/redis-provider';
import { jobsHealth } from '../jobs';
import { videoReadiness } from '../media';
import { isShuttingDown } from './lifecycle';
import { createMetrics, isMetricsCaller, type LyceumMetrics } from './metrics';
import { checkReadiness } from './readiness';

/**
 * The operator's endpoints (contract "Operations"): `GET /_ready` and `GET /metrics`, served on Strapi's own router
 * beside its `/_health`, so no auth, REST cache, rate limit or permission stands in front of them. README
 * "Production" describes them.
 */

interface Operations {
  metrics: LyceumMetrics;
  pingRedis: (() => Promise<unknown>) | null;
  closeRedis: (() => void) | null;
}

const running = new WeakMap<Core.Strapi, Operations>();

function operationsOf(strapi: Core.Strapi): Operations {
  let operations = running.get(strapi);
  if (!operations) {
    operations = { metrics: createMetrics(strapi), pingRedis: null, closeRedis: null };
    running.set(strapi, operations);
  }
  return operations;
}

/** This instance's metrics (the request middleware records into them). */
export function metricsOf(strapi: Core.Strapi): LyceumMetrics {
  return operationsOf(strapi).metrics;
}

const databaseCheck = (strapi: Core.Strapi) => () => strapi.db.connection.raw('select 1');

/** In register: the routes, at the level of Strapi's `/_health`. */
export function serveOperations(strapi: Core.Strapi): void {
  const router = strapi.server.router;

  router.get('/_ready', async (ctx: any) => {
    const { pingRedis } = operationsOf(strapi);
    const readiness = await checkReadiness({
      database: databaseCheck(strapi),
      redis: pingRedis,
      jobs: () => jobsHealth(strapi),
      isShuttingDown,
      video: videoReadiness,
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.status = readiness.status;
    ctx.body = readiness.body;
  });

  router.get('/metrics', async (ctx: any) => {
    // Read on every request: setting or clearing it takes effect without a restart.
    const token = process.env.METRICS_TOKEN?.trim();
    // Unset: no such endpoint, the same answer as any unknown path.
    if (!token) return ctx.notFound();
    if (!isMetricsCaller(ctx.get('authorization') as string, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      return ctx.unauthorized('Missing or invalid credentials');
    }
    const { metrics } = operationsOf(strapi);
    const text = await metrics.render();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = text;
  });
}

/**
 * In bootstrap: readiness pings the app's Redis connection (the REST cache's); with REDIS_URL set and the REST
 * cache off, a connection of its own with the same fail-fast settings.
 */
export function watchRedisForReadiness(strapi: Core.Strapi, appConnection: { ping(): Promise<void> } | undefined) {
  const operations = operationsOf(strapi);
  const url = process.env.REDIS_URL?.trim();
  if (!url) return;
  if (appConnection) {
    operations.pingRedis = () => appConnection.ping();
    return;
  }
  const client = connectForgivingRedis(url);
  // Its failures are what readiness reports; the REST cache and the job driver log an outage already.
  client.on('error', () => undefined);
  operations.pingRedis = () => client.ping();
  operations.closeRedis = () => client.disconnect();
}

/** In destroy. */
export function stopOperations(strapi: Core.Strapi): void {
  const operations = running.get(strapi);
  running.delete(strapi);
  operations?.closeRedis?.();
  operations?.metrics.close();
}
