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
      // While the database is down or restarting, a request waits this long for a connection and is then answered
      // 503 (src/errors/database-unavailable.ts): short, so nothing hangs past a load balancer's patience.
      acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 4000),
    },
  };
};

export default config;
