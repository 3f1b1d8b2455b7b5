import { compileStrapi } from '@strapi/strapi';
import { createTemplateDatabase } from './template-database';

// One TypeScript compile and one schema sync for the whole run; each test file then boots Strapi from dist/ on a
// copy of the template database in a few seconds.
export default async function globalSetup() {
  require('./env');
  await compileStrapi({ appDir: process.cwd(), ignoreDiagnostics: false } as any);
  await createTemplateDatabase();
}
