import type { Core } from '@strapi/strapi';

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

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  'users-permissions': {
    config: {
      jwtManagement: 'refresh',
      sessions: {
        // Refresh tokens come back in the login body so mobile clients can keep them; set true for cookie-only.
        httpOnly: env.bool('AUTH_REFRESH_COOKIE_ONLY', false),
      },
      ratelimit: {
        interval: 60_000,
        max: env.int('RATE_LIMIT_AUTH_PER_IDENTIFIER', 10),
      },
      register: {
        allowedFields: ['fullName'],
      },
    },
  },
  enrollment: { enabled: true, resolve: './src/plugins/enrollment' },
  progress: { enabled: true, resolve: './src/plugins/progress' },
  grading: { enabled: true, resolve: './src/plugins/grading' },
  certificates: { enabled: true, resolve: './src/plugins/certificates' },
  upload: {
    config: {
      security: {
        allowedTypes: allowedMediaTypes,
        deniedTypes,
      },
    },
  },
});

export default config;
