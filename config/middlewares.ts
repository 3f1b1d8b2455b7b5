import type { Core } from '@strapi/strapi';
import { env } from '@strapi/utils';

/**
 * Where uploaded files are served from when they live in a bucket: the admin panel shows them in <img> and
 * <video>, which the default Content-Security-Policy allows from this server only.
 */
function uploadOrigins(): string[] {
  if (env('UPLOAD_PROVIDER', 'local') !== 's3') return [];
  const bucket = env('S3_BUCKET', '');
  const endpoint = env('S3_ENDPOINT', '');
  const urls = [env('S3_PUBLIC_URL', '')];
  if (!endpoint) urls.push(`https://${bucket}.s3.${env('S3_REGION', 'us-east-1')}.amazonaws.com`, `https://${bucket}.s3.amazonaws.com`);
  else {
    urls.push(endpoint);
    // Without path-style addressing the bucket is a subdomain of the endpoint.
    if (!env.bool('S3_FORCE_PATH_STYLE', false)) urls.push(endpoint.replace('://', `://${bucket}.`));
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

const uploadsSecurity = () => ({
  name: 'strapi::security',
  config: {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'img-src': ["'self'", 'data:', 'blob:', 'https://market-assets.strapi.io', ...uploadOrigins()],
        'media-src': ["'self'", 'data:', 'blob:', ...uploadOrigins()],
      },
    },
  },
});

const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'global::unauthenticated-as-401',
  uploadsSecurity(),
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
