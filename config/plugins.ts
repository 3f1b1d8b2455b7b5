import type { Core } from '@strapi/strapi';
import { fixStockDocument } from '../src/api-description/stock-fixes';
import { restCacheConfig } from '../src/cache/config';
import { apolloServerOptions } from '../src/graphql/apollo';

const allowedMediaTypes = [
  'image/*',
  'video/*',
  'audio/*',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.*',
  'text/plain',
  'text/csv',
];

const deniedTypes = [
  'image/svg+xml',
  'application/vnd.microsoft.portable-executable',
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-executable',
  'application/x-dosexec',
  'application/x-sh',
  'text/x-shellscript',
  'application/x-mach-binary',
];

/** Files go to an S3-compatible bucket when UPLOAD_PROVIDER=s3, to public/uploads otherwise. */
function uploadProvider(env: Core.Config.Shared.ConfigParams['env']) {
  if (env('UPLOAD_PROVIDER', 'local') !== 's3') return { provider: 'local' };
  return {
    provider: 'aws-s3',
    providerOptions: {
      // Set when files are served from a CDN or a public domain rather than the bucket's own URL.
      baseUrl: env('S3_PUBLIC_URL') || undefined,
      s3Options: {
        region: env('S3_REGION', 'us-east-1'),
        ...(env('S3_ENDPOINT') ? { endpoint: env('S3_ENDPOINT') } : {}),
        // MinIO and most self-hosted servers address buckets by path, not by subdomain.
        forcePathStyle: env.bool('S3_FORCE_PATH_STYLE', false),
        credentials: { accessKeyId: env('S3_ACCESS_KEY_ID'), secretAccessKey: env('S3_SECRET_ACCESS_KEY') },
        params: { Bucket: env('S3_BUCKET') },
      },
    },
  };
}

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  'users-permissions': {
    config: {
      jwtManagement: 'refresh',
      sessions: {
        // Access tokens are short-lived; clients renew them with POST /auth/refresh.
        accessTokenLifespan: env.int('AUTH_ACCESS_TOKEN_LIFESPAN_SECONDS', 600),
        maxRefreshTokenLifespan: env.int('AUTH_REFRESH_TOKEN_LIFESPAN_SECONDS', 30 * 86_400),
        // Refresh tokens come back in the login body so mobile clients can keep them; set true for cookie-only.
        httpOnly: env.bool('AUTH_REFRESH_COOKIE_ONLY', false),
      },
      // Replaced by global::auth-guard, which limits per identifier and per IP (the stock one keys login by IP only).
      ratelimit: { enabled: false },
      register: {
        allowedFields: ['fullName'],
      },
    },
  },
  email: {
    config: {
      provider: 'nodemailer',
      // Without SMTP_HOST mail is rendered and dropped (nodemailer's JSON transport): nothing leaves the machine.
      providerOptions: env('SMTP_HOST')
        ? {
            host: env('SMTP_HOST'),
            port: env.int('SMTP_PORT', 587),
            secure: env.bool('SMTP_SECURE', false),
            ignoreTLS: env.bool('SMTP_IGNORE_TLS', false),
            ...(env('SMTP_USERNAME') ? { auth: { user: env('SMTP_USERNAME'), pass: env('SMTP_PASSWORD') } } : {}),
            pool: env.bool('SMTP_POOL', true),
          }
        : { jsonTransport: true },
      settings: {
        defaultFrom: env('EMAIL_FROM', 'Lyceum <no-reply@lyceum.local>'),
        defaultReplyTo: env('EMAIL_REPLY_TO', env('EMAIL_FROM', 'Lyceum <no-reply@lyceum.local>')),
      },
    },
  },
  documentation: {
    config: {
      openapi: '3.0.0',
      info: {
        version: '1.0.0',
        title: 'Lyceum API',
        description:
          'Headless LMS: catalog, enrollment, progress, quizzes, assignments, certificates, community. JSON at /documentation/v1.0.0/openapi.json.',
      },
      'x-strapi-config': {
        plugins: ['users-permissions', 'upload'],
        // The plugin's defaults carry placeholder terms, contact and licence: a published document must not.
        mutateDocumentation: (draft: { info: Record<string, unknown> }) => {
          delete draft.info.termsOfService;
          delete draft.info.contact;
          delete draft.info.license;
          fixStockDocument(draft);
        },
      },
    },
  },
  graphql: {
    config: {
      endpoint: '/graphql',
      shadowCRUD: true,
      // Bounded queries: no deep relation walks or huge pages from one request.
      depthLimit: env.int('GRAPHQL_DEPTH_LIMIT', 7),
      maxLimit: env.int('GRAPHQL_MAX_LIMIT', 100),
      defaultLimit: 25,
      landingPage: env('NODE_ENV') !== 'production',
      // Introspection outside production only, no stack traces, filter/page/size/cost bounds: src/graphql/apollo.ts.
      apolloServer: apolloServerOptions(env),
    },
  },
  enrollment: { enabled: true, resolve: './src/plugins/enrollment' },
  progress: { enabled: true, resolve: './src/plugins/progress' },
  grading: { enabled: true, resolve: './src/plugins/grading' },
  certificates: { enabled: true, resolve: './src/plugins/certificates' },
  community: { enabled: true, resolve: './src/plugins/community' },
  messaging: { enabled: true, resolve: './src/plugins/messaging' },
  social: { enabled: true, resolve: './src/plugins/social' },
  support: { enabled: true, resolve: './src/plugins/support' },
  commerce: { enabled: true, resolve: './src/plugins/commerce' },
  search: { enabled: true, resolve: './src/plugins/search' },
  marketplace: { enabled: true, resolve: './src/plugins/marketplace' },
  audit: { enabled: true, resolve: './src/plugins/audit' },
  account: { enabled: true, resolve: './src/plugins/account' },
  media: { enabled: true, resolve: './src/plugins/media' },
  'rest-cache': restCacheConfig(env),
  upload: {
    config: {
      ...uploadProvider(env),
      // In bytes. Each file is also checked before anything is stored (src/uploads/upload-guard.ts): 413.
      sizeLimit: env.int('UPLOAD_MAX_FILE_MB', 50) * 1024 * 1024,
      security: {
        allowedTypes: allowedMediaTypes,
        deniedTypes,
      },
    },
  },
});

export default config;
