import { randomBytes } from 'crypto';
import { createAdminUser, type TestAdminUser } from '../helpers/admin-users';
import {
  describeInBrowser,
  logInToAdmin,
  openBrowser,
  screenshot,
  withFailureScreenshot,
  type BrowserSession,
} from '../helpers/browser';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** A Marketer writes an article in the admin panel and publishes it; the public API then serves it. */
describeInBrowser('Marketer in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let marketer: TestAdminUser;

  beforeAll(async () => {
    app = await startLyceum();
    marketer = await createAdminUser(app.strapi, 'Marketer');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
  });

  const publicArticles = async (title: string) => {
    const response = await app.request.get('/api/articles').query({ locale: 'en', 'filters[title][$eq]': title });
    expect(response.status).toBe(200);
    return response.body.data as Array<Record<string, unknown>>;
  };

  test('writes an article, saves a draft the API does not show, publishes it, and the API serves it', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'marketer-article', async () => {
      const title = `Spring courses ${randomBytes(3).toString('hex')}`;
      await logInToAdmin(page, app.baseUrl, marketer.email, marketer.password);

      await page.goto(
        `${app.baseUrl}/admin/content-manager/collection-types/api::article.article/create?plugins[i18n][locale]=en`
      );
      await page.getByRole('textbox', { name: 'title' }).fill(title);
      await page.getByRole('textbox', { name: 'excerpt' }).fill('Three new courses start in March.');
      // The body is a Markdown editor (CodeMirror), typed into like a person would, not a plain input.
      await page.getByLabel('Editor').click();
      await page.keyboard.type('Enrol **now**: places are limited.');

      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved document' }).waitFor({ state: 'visible' });
      expect(await publicArticles(title)).toEqual([]);

      await page.getByRole('button', { name: 'Publish' }).click();
      await page.getByRole('status').filter({ hasText: 'Published document' }).waitFor({ state: 'visible' });
      await screenshot(page, 'marketer-article-published');

      const [article, ...others] = await publicArticles(title);
      expect(others).toEqual([]);
      expect(article).toMatchObject({
        title,
        excerpt: 'Three new courses start in March.',
        body: 'Enrol **now**: places are limited.',
        slug: expect.stringMatching(/^spring-courses-[0-9a-f]{6}$/),
        publishedAt: expect.any(String),
      });
      const bySlug = await app.request
        .get('/api/articles')
        .query({ locale: 'en', 'filters[slug][$eq]': article.slug as string });
      expect(bySlug.body.data.map((entry: { title: string }) => entry.title)).toEqual([title]);
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
