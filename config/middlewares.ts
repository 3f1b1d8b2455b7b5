import type { Core } from '@strapi/strapi';

const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'global::unauthenticated-as-401',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'global::openapi-document',
  'strapi::body',
  'global::auth-guard',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];

export default config;
