import path from 'path';
import type { Core } from '@strapi/strapi';
import { tableLocation } from '../database/tables';

/**
 * The indexes of database/migrations/lib/query-indexes.js, after schema sync: CREATE INDEX IF NOT EXISTS,
 * so a no-op once they exist. Needed on fresh databases, where the migration ran before the tables did.
 */
export async function ensureQueryIndexes(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createQueryIndexes } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'query-indexes.js')
  );
  await createQueryIndexes(strapi.db.connection, (uid: string) => tableLocation(strapi.db, uid));
}
