import { errors } from '@strapi/utils';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { limitSetting } from '../access/rate-limit';

/**
 * Rate limits on the sign-in routes, per identifier (the account being tried) and per IP (the machine
 * trying), so neither guessing one account's password from many machines nor many accounts from one
 * machine goes fast. Users-permissions' own limiter keys login by IP only and is switched off in
 * config/plugins.ts in favour of this one.
 */
interface GuardedRoute {
  path: string;
  identifierOf?: (body: Record<string, unknown>) => unknown;
}

const GUARDED: GuardedRoute[] = [
  { path: '/api/auth/local', identifierOf: (body) => body.identifier },
  { path: '/api/auth/local/register', identifierOf: (body) => body.email },
  { path: '/api/auth/forgot-password', identifierOf: (body) => body.email },
  { path: '/api/auth/reset-password' },
  { path: '/api/auth/change-password' },
];

export default () => {
  const perIdentifier = new RateLimiterMemory({ points: limitSetting(process.env.RATE_LIMIT_AUTH_PER_IDENTIFIER, 10), duration: 60 });
  const perIp = new RateLimiterMemory({ points: limitSetting(process.env.RATE_LIMIT_AUTH_PER_IP, 100), duration: 60 });

  return async (ctx: any, next: () => Promise<unknown>) => {
    if (ctx.method !== 'POST') return next();
    const path = String(ctx.path).toLowerCase().replace(/\/+$/, '');
    const route = GUARDED.find((candidate) => candidate.path === path);
    if (!route) return next();

    const body = ctx.request.body && typeof ctx.request.body === 'object' ? ctx.request.body : {};
    const identifier = route.identifierOf?.(body);
    try {
      await perIp.consume(`${ctx.request.ip}`);
      if (typeof identifier === 'string' && identifier.trim()) await perIdentifier.consume(`${path}:${identifier.trim().toLowerCase()}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      ctx.set('Retry-After', String(Math.ceil(rejection.msBeforeNext / 1000)));
      throw new errors.RateLimitError('Too many attempts, try again later', { reason: 'rate_limited' });
    }
    return next();
  };
};
