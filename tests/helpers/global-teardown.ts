import { dropTemplateDatabase } from './template-database';

export default async function globalTeardown() {
  await dropTemplateDatabase();
}
