import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { createLimiter, limitSetting, type Limiter } from '../access/rate-limit';
import { accountsNamedBy, signInLimitKeys } from '../access/sign-in-limit';

/**
 * Rate limits on the sign-in routes, per account or identifier (what is being tried) and per IP (the machine
 * trying), so neither guessing one account's password from many machines nor many accounts from one machine goes
 * fast. Users-permissions' own limiter keys login by IP only and is switched off in config/plugins.ts in favour of
 * this one. Contract, "Security": sign-in is limited per account whichever identifier names it. With REDIS_URL the
 * counters live in Redis, shared by every instance (src/access/rate-limit.ts).
 */
interface GuardedRoute {
  path: string;
  identifierOf?: (body: Record<string, unknown>) => unknown;
}

const SIGN_IN = '/api/auth/local';

const GUARDED: GuardedRoute[] = [
  { path: SIGN_IN, identifierOf: (body) => body.identifier },
  { path: '/api/auth/local/register', identifierOf: (body) => body.email },
  { path: '/api/auth/forgot-password', identifierOf: (body) => body.email },
  { path: '/api/auth/reset-password' },
  { path: '/api/auth/change-password' },
];

async function consumeOrRefuse(ctx: any, limiter: Limiter, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    ctx.set('Retry-After', String(Math.ceil(rejection.msBeforeNext / 1000)));
    throw new errors.RateLimitError('Too many attempts, try again later', { reason: 'rate_limited' });
  }
}

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const perIdentifierPoints = limitSetting(process.env.RATE_LIMIT_AUTH_PER_IDENTIFIER, 10);
  const perIdentifier = createLimiter({
    keyPrefix: 'auth-identifier',
    points: perIdentifierPoints,
    durationSeconds: 60,
  });
  // Failed sign-ins per account (or per unknown identifier); the same setting as the other identifier limits.
  const failedSignIns = createLimiter({
    keyPrefix: 'auth-sign-in-failures',
    points: perIdentifierPoints,
    durationSeconds: 60,
  });
  const perIp = createLimiter({
    keyPrefix: 'auth-ip',
    points: limitSetting(process.env.RATE_LIMIT_AUTH_PER_IP, 100),
    durationSeconds: 60,
  });

  return async (ctx: any, next: () => Promise<unknown>) => {
    if (ctx.method !== 'POST') return next();
    const path = String(ctx.path).toLowerCase().replace(/\/+$/, '');
    const route = GUARDED.find((candidate) => candidate.path === path);
    if (!route) return next();

    const body = ctx.request.body && typeof ctx.request.body === 'object' ? ctx.request.body : {};
    const identifier = route.identifierOf?.(body);
    await consumeOrRefuse(ctx, perIp, `${ctx.request.ip}`);
    if (typeof identifier !== 'string' || !identifier.trim()) return next();

    if (path !== SIGN_IN) {
      await consumeOrRefuse(ctx, perIdentifier, `${path}:${identifier.trim().toLowerCase()}`);
      return next();
    }
    // The attempt's point is taken before the password is checked, so parallel guesses cannot all slip under the
    // limit, and handed back when the sign-in succeeds: only failed attempts count.
    const keys = signInLimitKeys(await accountsNamedBy(strapi, identifier), identifier);
    for (const key of keys) await consumeOrRefuse(ctx, failedSignIns, key);
    await next();
    if (ctx.status < 400) await Promise.all(keys.map((key) => failedSignIns.reward(key, 1)));
  };
};
