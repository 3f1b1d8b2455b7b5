import path from 'path';
import type { Core } from '@strapi/strapi';

/**
 * SQLite (the embedded default) or PostgreSQL. Not MySQL, though Strapi offers it: Lyceum's hand-written
 * statements (src/access/raw-sql.ts and its callers) use `INSERT … ON CONFLICT … RETURNING`, data-modifying CTEs
 * and PostgreSQL's pattern operators, which MySQL does not have.
 */
const SUPPORTED_CLIENTS = ['sqlite', 'postgres'] as const;
type SupportedClient = (typeof SUPPORTED_CLIENTS)[number];
const isSupportedClient = (client: string): client is SupportedClient =>
  (SUPPORTED_CLIENTS as readonly string[]).includes(client);

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Database => {
  const client = env('DATABASE_CLIENT', 'sqlite');

  if (!isSupportedClient(client)) {
    throw new Error(
      `Unsupported DATABASE_CLIENT: ${client}. Lyceum runs on "sqlite" (the default) or "postgres"; MySQL is not supported.`
    );
  }

  const connections: Record<SupportedClient, Core.Config.Database['connection']> = {
    postgres: {
      client: 'postgres',
      connection: {
        connectionString: env('DATABASE_URL'),
        host: env('DATABASE_HOST', 'localhost'),
        port: env.int('DATABASE_PORT', 5432),
        database: env('DATABASE_NAME', 'strapi'),
        user: env('DATABASE_USERNAME', 'strapi'),
        password: env('DATABASE_PASSWORD', 'strapi'),
        ssl: env.bool('DATABASE_SSL', false) && {
          key: env('DATABASE_SSL_KEY', undefined),
          cert: env('DATABASE_SSL_CERT', undefined),
          ca: env('DATABASE_SSL_CA', undefined),
          capath: env('DATABASE_SSL_CAPATH', undefined),
          cipher: env('DATABASE_SSL_CIPHER', undefined),
          rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true),
        },
        schema: env('DATABASE_SCHEMA', 'public'),
        // A server that does not answer at all (network gone, not refused) fails a new connection after this.
        connectionTimeoutMillis: env.int('DATABASE_CONNECT_TIMEOUT', 3000),
      },
      pool: { min: env.int('DATABASE_POOL_MIN', 2), max: env.int('DATABASE_POOL_MAX', 10) },
    },
    sqlite: {
      client: 'sqlite',
      connection: {
        filename: path.join(__dirname, '..', '..', env('DATABASE_FILENAME', '.tmp/data.db')),
      },
      useNullAsDefault: true,
    },
  };

  return {
    connection: {
      ...connections[client],
      // The longest a request waits for a pooled connection before it is answered 503 (src/errors/
      // database-unavailable.ts). It bounds a pool saturated by load, not an outage: while the database is down or
      // restarting the pool hands each failed connection attempt to a waiting request at once (knex's
      // propagateCreateError), so requests get their 503 at once, not after this wait (tests/integration/faults.test.ts).
      // Not lowered by default: at 10 s, 50 sign-ups at once on a busy 2-core machine already ran out of it.
      acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
    },
  };
};

export default config;
