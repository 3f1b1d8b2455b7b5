import fs from 'fs';
import path from 'path';
import { spawnSync } from 'child_process';
import { Client } from 'pg';

/**
 * The run's template database: one Strapi boot (tests/helpers/boot-template.js) syncs the schema, runs the
 * migrations and seeds roles into it, and every test file's throwaway database starts as a copy (a file copy on
 * SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL). Booting on it is a restart, not a first start: a test of
 * first-start behaviour passes `LYCEUM_TEST_FRESH_DATABASE: 'true'` to startLyceum.
 * The global setup makes it and names it in LYCEUM_TEST_TEMPLATE, which the jest workers inherit.
 */
export const TEMPLATE_VARIABLE = 'LYCEUM_TEST_TEMPLATE';

export const postgresAdminSettings = () => ({
  host: process.env.DATABASE_HOST,
  port: Number(process.env.DATABASE_PORT),
  user: process.env.DATABASE_USERNAME,
  password: process.env.DATABASE_PASSWORD || undefined,
});

export async function runOnPostgres(database: string, ...statements: string[]): Promise<void> {
  const client = new Client({ ...postgresAdminSettings(), database });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

export function testSchema(): string {
  const schema = process.env.TEST_DATABASE_SCHEMA || 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`TEST_DATABASE_SCHEMA must be a plain lower-case name, not ${schema}`);
  return schema;
}

/** Makes an empty database (with TEST_DATABASE_SCHEMA in it on PostgreSQL); returns the variables that name it. */
export async function createEmptyDatabase(name: string): Promise<Record<string, string>> {
  if (process.env.DATABASE_CLIENT === 'postgres') {
    await runOnPostgres('postgres', `CREATE DATABASE "${name}"`);
    const schema = testSchema();
    if (schema !== 'public') await runOnPostgres(name, `CREATE SCHEMA "${schema}"`);
    return { DATABASE_NAME: name, DATABASE_SCHEMA: schema };
  }
  fs.mkdirSync(path.resolve('.tmp'), { recursive: true });
  return { DATABASE_FILENAME: path.join('.tmp', `${name}.db`) };
}

export async function createTemplateDatabase(): Promise<void> {
  const name = `lyceum_template_${process.pid}`;
  const variables = await createEmptyDatabase(name);
  const boot = spawnSync(process.execPath, [path.join(__dirname, 'boot-template.js')], {
    cwd: process.cwd(),
    env: { ...process.env, ...variables },
    encoding: 'utf8',
  });
  if (boot.status !== 0) {
    await dropTemplateDatabase(name);
    throw new Error(`the template database did not boot:\n${boot.stdout}\n${boot.stderr}`);
  }
  process.env[TEMPLATE_VARIABLE] = name;
}

export async function dropTemplateDatabase(name = process.env[TEMPLATE_VARIABLE]): Promise<void> {
  if (!name) return;
  if (process.env.DATABASE_CLIENT === 'postgres')
    await runOnPostgres('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  else
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      fs.rmSync(path.resolve('.tmp', `${name}.db${suffix}`), { force: true });
}
