import fs from 'fs';
import path from 'path';
import { randomBytes } from 'crypto';
import { createEmptyDatabase, runOnPostgres, testSchema, TEMPLATE_VARIABLE } from './template-database';

/**
 * A throwaway database for one test file: a SQLite file, or a PostgreSQL database when DATABASE_CLIENT=postgres.
 * It starts as a copy of the run's template (tests/helpers/template-database.ts), or empty when the file asks for
 * LYCEUM_TEST_FRESH_DATABASE=true or there is no template (a file run outside jest's global setup). Nothing a
 * previous run left behind is ever read. On PostgreSQL the tables go to `public`, or to the schema
 * TEST_DATABASE_SCHEMA names, so a run proves that no statement assumes `public`.
 */
export interface ThrowawayDatabase {
  drop(): Promise<void>;
}

const SQLITE_FILES = ['', '-wal', '-shm', '-journal'];

export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `lyceum_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = process.env.LYCEUM_TEST_FRESH_DATABASE === 'true' ? undefined : process.env[TEMPLATE_VARIABLE];
  if (process.env.DATABASE_CLIENT === 'postgres') {
    if (template) {
      await runOnPostgres('postgres', `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      process.env.DATABASE_NAME = name;
      process.env.DATABASE_SCHEMA = testSchema();
    } else Object.assign(process.env, await createEmptyDatabase(name));
    return { drop: () => runOnPostgres('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
  }
  const variables = await createEmptyDatabase(name);
  const file = path.resolve(variables.DATABASE_FILENAME);
  if (template) {
    const source = path.resolve('.tmp', `${template}.db`);
    for (const suffix of SQLITE_FILES)
      if (fs.existsSync(source + suffix)) fs.copyFileSync(source + suffix, file + suffix);
  }
  Object.assign(process.env, variables);
  return {
    async drop() {
      for (const suffix of SQLITE_FILES) fs.rmSync(file + suffix, { force: true });
    },
  };
}
