import type { Core } from '@strapi/strapi';

// The frontends a developer runs next to the API (Next.js, Vite, Nuxt) when CORS_ORIGINS is not set.
const DEV_FRONTENDS = ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://localhost:5173', 'http://127.0.0.1:5173'];

const list = (value: string | undefined) => (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => {
  const origins = list(env('CORS_ORIGINS'));
  // Where uploaded media is served from (an S3 bucket or a CDN): the admin panel shows it, so CSP must allow it.
  const mediaHosts = list(env('CSP_MEDIA_HOSTS'));
  const bodyLimit = `${env.int('BODY_LIMIT_MB', 1)}mb`;
  return [
    'strapi::logger',
    'strapi::errors',
    'global::unauthenticated-as-401',
    {
      name: 'strapi::security',
      config: {
        // Strapi's defaults (what the admin panel is built for) plus the media hosts; nothing loosened.
        contentSecurityPolicy: {
          useDefaults: true,
          directives: {
            'connect-src': ["'self'", 'https:'],
            'img-src': ["'self'", 'data:', 'blob:', 'https://market-assets.strapi.io', ...mediaHosts],
            'media-src': ["'self'", 'data:', 'blob:', ...mediaHosts],
            upgradeInsecureRequests: null,
          },
        },
        referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      },
    },
    {
      name: 'strapi::cors',
      config: {
        origin: origins.length > 0 ? origins : DEV_FRONTENDS,
        credentials: true,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
        headers: ['Content-Type', 'Authorization', 'Origin', 'Accept'],
        keepHeadersOnError: true,
      },
    },
    'strapi::poweredBy',
    'strapi::query',
    'global::openapi-document',
    {
      name: 'strapi::body',
      config: {
        // koa-body answers 413 past these; strapi::errors gives it Strapi's error shape.
        jsonLimit: bodyLimit,
        formLimit: bodyLimit,
        textLimit: bodyLimit,
      },
    },
    'global::auth-guard',
    'strapi::session',
    'strapi::favicon',
    'strapi::public',
  ];
};

export default config;
