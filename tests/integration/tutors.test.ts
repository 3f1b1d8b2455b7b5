import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;

beforeAll(async () => {
  app = await startLyceum();
});
afterAll(stopLyceum);

describe('tutor storage', () => {
  test('the marketplace tables exist', async () => {
    for (const uid of [
      'plugin::marketplace.tutor-profile',
      'plugin::marketplace.tutor-subject',
      'plugin::marketplace.tutor-language',
      'plugin::marketplace.tutor-review',
    ])
      expect(await app.strapi.db.query(uid as any).count()).toBe(0);
  });
});
