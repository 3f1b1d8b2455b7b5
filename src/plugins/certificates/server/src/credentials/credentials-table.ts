import path from 'path';
import type { Core } from '@strapi/strapi';
import { ownTableLocation, ownTableOf } from '../../../../../database/tables';

/**
 * Signed credentials, one row per certificate (database/migrations/lib/credentials-table.js): a table Lyceum owns,
 * beside Strapi's certificate table, whose schema sync never touches it. The row's id numbers the credential, which
 * places its revocation bit (rules/status-index.ts).
 */
export const CREDENTIALS_TABLE = 'lyceum_certificate_credentials';

export const credentialsTable = (strapi: Core.Strapi) => ownTableOf(strapi, CREDENTIALS_TABLE);

/** Creates the table when missing (the migration made it; this covers a database it never saw). */
export async function ensureCredentialsTable(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCredentialsTable } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'credentials-table.js')
  ) as { createCredentialsTable: (knex: unknown, schema: string | null) => Promise<void> };
  await createCredentialsTable(strapi.db.connection, ownTableLocation(strapi.db, CREDENTIALS_TABLE).schema);
}
