import fs from 'fs';
import path from 'path';
import { randomBytes } from 'crypto';
import { Client } from 'pg';

/**
 * A throwaway database for one test file: a fresh SQLite file, or a fresh PostgreSQL database when
 * DATABASE_CLIENT=postgres. Nothing a previous run left behind is ever read. On PostgreSQL the tables go to
 * `public`, or to the schema TEST_DATABASE_SCHEMA names (created here), so a run proves that no statement
 * assumes `public`.
 */
export interface ThrowawayDatabase {
  drop(): Promise<void>;
}

const adminSettings = () => ({
  host: process.env.DATABASE_HOST,
  port: Number(process.env.DATABASE_PORT),
  user: process.env.DATABASE_USERNAME,
  password: process.env.DATABASE_PASSWORD || undefined,
});

const adminClient = () => new Client({ ...adminSettings(), database: 'postgres' });

export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `lyceum_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_CLIENT === 'postgres') {
    const client = adminClient();
    await client.connect();
    await client.query(`CREATE DATABASE "${name}"`);
    await client.end();
    const schema = process.env.TEST_DATABASE_SCHEMA || 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new Error(`TEST_DATABASE_SCHEMA must be a plain lower-case name, not ${schema}`);
    if (schema !== 'public') {
      const creator = new Client({ ...adminSettings(), database: name });
      await creator.connect();
      await creator.query(`CREATE SCHEMA "${schema}"`);
      await creator.end();
    }
    process.env.DATABASE_NAME = name;
    process.env.DATABASE_SCHEMA = schema;
    return {
      async drop() {
        const dropper = adminClient();
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await dropper.end();
      },
    };
  }
  const relative = path.join('.tmp', `${name}.db`);
  fs.mkdirSync(path.resolve('.tmp'), { recursive: true });
  process.env.DATABASE_FILENAME = relative;
  return {
    async drop() {
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        fs.rmSync(path.resolve(relative + suffix), { force: true });
    },
  };
}
