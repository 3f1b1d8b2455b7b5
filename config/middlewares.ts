import type { Core } from '@strapi/strapi';
import { env as readEnv } from '@strapi/utils';

/**
 * Where uploaded files are served from when they live in a bucket: the admin panel shows them in <img> and
 * <video>, which the default Content-Security-Policy allows from this server only.
 */
function uploadOrigins(): string[] {
  if (readEnv('UPLOAD_PROVIDER', 'local') !== 's3') return [];
  const bucket = readEnv('S3_BUCKET', '');
  const endpoint = readEnv('S3_ENDPOINT', '');
  const urls = [readEnv('S3_PUBLIC_URL', '')];
  if (!endpoint)
    urls.push(
      `https://${bucket}.s3.${readEnv('S3_REGION', 'us-east-1')}.amazonaws.com`,
      `https://${bucket}.s3.amazonaws.com`
    );
  else {
    urls.push(endpoint);
    // Without path-style addressing the bucket is a subdomain of the endpoint.
    if (!readEnv.bool('S3_FORCE_PATH_STYLE', false)) urls.push(endpoint.replace('://', `://${bucket}.`));
  }
  const origins = urls.flatMap((url) => {
    try {
      return url ? [new URL(url).origin] : [];
    } catch {
      return []; // not a URL: no origin to allow; the provider reports a bad endpoint itself
    }
  });
  return [...new Set(origins)];
}

// The frontends a developer runs next to the API (Next.js, Vite, Nuxt) when CORS_ORIGINS is not set.
const DEV_FRONTENDS = [
  'http://localhost:3000',
  'http://127.0.0.1:3000',
  'http://localhost:5173',
  'http://127.0.0.1:5173',
];

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => {
  const origins = list(env('CORS_ORIGINS'));
  // Where uploaded media is served from (an S3 bucket or a CDN): the admin panel shows it, so CSP must allow it.
  const mediaHosts = [...new Set([...list(env('CSP_MEDIA_HOSTS')), ...uploadOrigins()])];
  const bodyLimit = `${env.int('BODY_LIMIT_MB', 1)}mb`;
  return [
    // Outermost: every answer, errors included, carries X-Request-Id, and the metrics see the final status.
    'global::request-id',
    'global::request-metrics',
    'global::request-log',
    'global::cache-drops-sent',
    'strapi::errors',
    // Refusals (src/errors) in Strapi's error shape with their own status.
    'global::refusals',
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
        headers: ['Content-Type', 'Authorization', 'Origin', 'Accept', 'X-Request-Id'],
        // A frontend reads the id to quote it in a support request.
        expose: ['X-Request-Id'],
        keepHeadersOnError: true,
      },
    },
    'strapi::poweredBy',
    'global::nul-bytes',
    'global::public-cache',
    'strapi::query',
    // Refuses malformed REST query parameters with 400 before routing (src/query-validation).
    'global::query-guard',
    'global::openapi-document',
    {
      name: 'strapi::body',
      config: {
        // koa-body answers 413 past these; strapi::errors gives it Strapi's error shape.
        jsonLimit: bodyLimit,
        formLimit: bodyLimit,
        textLimit: bodyLimit,
        // DELETE too: the contract's `DELETE /me { password }` carries a body (koa-body parses POST, PUT and PATCH
        // by default and would leave it unread).
        parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
      },
    },
    'global::auth-guard',
    'strapi::session',
    'strapi::favicon',
    'strapi::public',
  ];
};

export default config;
