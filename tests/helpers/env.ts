// Loaded before each test file (jest setupFiles): the defaults a test process needs, without a .env.
const defaults: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  APP_KEYS: 'test-key-1,test-key-2',
  API_TOKEN_SALT: 'test-api-token-salt',
  ADMIN_JWT_SECRET: 'test-admin-jwt-secret',
  TRANSFER_TOKEN_SALT: 'test-transfer-token-salt',
  JWT_SECRET: 'test-jwt-secret',
  ENCRYPTION_KEY: 'test-encryption-key',
  STRAPI_TELEMETRY_DISABLED: 'true',
  LYCEUM_DEMO_DATA: 'false',
  // Factories log many users in from one address; the limit itself is tested with its own setting.
  RATE_LIMIT_AUTH_PER_IDENTIFIER: '1000',
  DATABASE_CLIENT: 'sqlite',
  // The sandbox payment provider signs its webhooks with this (tests/helpers/commerce.ts signs them the same way).
  PAYMENTS_SANDBOX_SECRET: 'test-sandbox-secret',
};
for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
// Features `npm start` switches on by writing their keys into .env (signed credentials, signed video URLs, web push):
// off in a test unless it passes its own key to startLyceum. Set (as empty) here, so Strapi's loading of a developer's
// .env, which never replaces a variable already set, does not switch them on behind a test's back.
for (const name of [
  'CREDENTIAL_SIGNING_KEY',
  'CREDENTIAL_PREVIOUS_KEYS',
  'VIDEO_URL_SECRET',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
])
  process.env[name] ??= '';
if (process.env.DATABASE_CLIENT === 'postgres') {
  process.env.DATABASE_HOST ??= '127.0.0.1';
  process.env.DATABASE_PORT ??= '5432';
  process.env.DATABASE_USERNAME ??= 'postgres';
  process.env.DATABASE_PASSWORD ??= '';
}
// Each test file its own REST cache key prefix: with REDIS_URL set, files running side by side share one Redis.
process.env.REST_CACHE_KEYS_PREFIX = `lyceum-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}:`;
