import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  url: env('PUBLIC_URL', ''),
  // Behind a reverse proxy: trust X-Forwarded-* so rate limits and logs see the client's address. Strapi 5 reads
  // `proxy.koa` (a bare `proxy: true` is ignored), and takes the address the last SERVER_PROXY_HOPS proxies saw,
  // not the leftmost one, which the client itself may have written.
  proxy: { koa: env.bool('SERVER_PROXY', false), maxIpsCount: env.int('SERVER_PROXY_HOPS', 1) },
  cron: { enabled: env.bool('CRON_ENABLED', true) },
  app: {
    keys: env.array('APP_KEYS')!,
  },
  webhooks: {
    populateRelations: env.bool('WEBHOOKS_POPULATE_RELATIONS', false),
  },
});

export default config;
