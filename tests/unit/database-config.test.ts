import { env } from '@strapi/utils';
import databaseConfig from '../../config/database';

/** config/database.ts serves the two databases Lyceum's hand-written SQL runs on, and refuses any other. */
describe('database configuration', () => {
  const saved = { client: process.env.DATABASE_CLIENT, schema: process.env.DATABASE_SCHEMA };
  afterEach(() => {
    for (const [name, value] of [
      ['DATABASE_CLIENT', saved.client],
      ['DATABASE_SCHEMA', saved.schema],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const load = () => databaseConfig({ env } as Parameters<typeof databaseConfig>[0]);

  test.each(['mysql', 'mariadb', 'oracle'])(
    'refuses DATABASE_CLIENT=%p at start-up, naming the supported ones',
    (client) => {
      process.env.DATABASE_CLIENT = client;
      expect(load).toThrow(/Unsupported DATABASE_CLIENT.*"sqlite".*"postgres"/);
    }
  );

  test('passes DATABASE_SCHEMA to PostgreSQL, where Strapi sets the search path and the table helper qualifies names', () => {
    process.env.DATABASE_CLIENT = 'postgres';
    process.env.DATABASE_SCHEMA = 'lyceum';
    expect(load().connection).toMatchObject({ client: 'postgres', connection: { schema: 'lyceum' } });
  });

  test('defaults to SQLite', () => {
    delete process.env.DATABASE_CLIENT;
    expect(load().connection).toMatchObject({ client: 'sqlite' });
  });
});
