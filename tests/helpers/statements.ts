import type { Core } from '@strapi/strapi';

type QueryEvents = {
  on(event: string, listener: (query: { sql: string }) => void): void;
  off(event: string, listener: (query: { sql: string }) => void): void;
};

/**
 * Runs `work`, answering the statements it sent (SQL text, in order), from knex's `query` event, which also sees the
 * prepared statements of src/access/raw-sql.ts (BEGIN and COMMIT included).
 */
export async function statementsOf(strapi: Core.Strapi, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (query: { sql: string }) => seen.push(query.sql);
  const knex = strapi.db.connection as unknown as QueryEvents;
  knex.on('query', listener);
  try {
    await work();
  } finally {
    knex.off('query', listener);
  }
  return seen;
}

/** With SHOW_STATEMENTS set, prints the statements counted (a look at what a change added). */
export function showStatements(strapi: Core.Strapi, label: string, statements: string[]): void {
  if (process.env.SHOW_STATEMENTS)
    process.stdout.write(
      `${label} (${strapi.db.dialect.client}): ${statements.length}\n${statements.map((sql) => `  ${sql.replace(/\s+/g, ' ').slice(0, 240)}`).join('\n')}\n`
    );
}

/**
 * The fewest statements `work` sent over `attempts` runs (each run's own list, `counted` ones only). knex's `query`
 * event sees every statement of the process, so a job finishing or a cache dropped by another instance's message
 * during one run adds statements that are not the work's; the least of a few runs is the work's own cost, while a
 * cost the work always pays shows in every run.
 */
export async function fewestStatementsOf(
  strapi: Core.Strapi,
  work: () => Promise<unknown>,
  counted: (sql: string) => boolean = () => true,
  attempts = 3
): Promise<string[]> {
  let fewest: string[] | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const statements = (await statementsOf(strapi, work)).filter(counted);
    if (!fewest || statements.length < fewest.length) fewest = statements;
  }
  return fewest ?? [];
}
