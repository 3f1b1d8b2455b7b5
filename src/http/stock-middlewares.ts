import type { Core } from '@strapi/strapi';
import bodyParser from './body-parser';
import securityHeaders from './security-headers';

/**
 * Strapi requires `strapi::security` and `strapi::body` in the middleware list; their registry entries are
 * replaced by versions that build their helmet and koa-body once rather than on every request. The names and
 * their configuration in config/middlewares.ts stay as they are.
 */
export function buildStockMiddlewaresOnce(strapi: Core.Strapi) {
  const middlewares = strapi.get('middlewares');
  middlewares.extend('strapi::security', () => securityHeaders);
  middlewares.extend('strapi::body', () => bodyParser);
}
