// First: Strapi loads the developer's .env when its module loads, and what env.ts sets (or leaves empty) must win.
import './env';
import { compileStrapi } from '@strapi/strapi';
import { createTemplateDatabase } from './template-database';

// One TypeScript compile and one schema sync for the whole run; each test file then boots Strapi from dist/ on a
// copy of the template database in a few seconds.
export default async function globalSetup() {
  await compileStrapi({ appDir: process.cwd(), ignoreDiagnostics: false } as any);
  await createTemplateDatabase();
}
