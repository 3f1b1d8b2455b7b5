import { compileStrapi } from '@strapi/strapi';

// One TypeScript compile for the whole run; each test file then boots Strapi from dist/ in a few seconds.
export default async function globalSetup() {
  require('./env');
  await compileStrapi({ appDir: process.cwd(), ignoreDiagnostics: false } as any);
}
