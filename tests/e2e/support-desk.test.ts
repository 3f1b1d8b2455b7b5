import { createAdminUser, type TestAdminUser } from '../helpers/admin-users';
import {
  describeInBrowser,
  logInToAdmin,
  openBrowser,
  screenshot,
  withFailureScreenshot,
  type BrowserSession,
} from '../helpers/browser';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The support desk end to end: a user opens a ticket through the API, a Support admin finds it in the Support page's
 * open inbox, takes it, replies, and the user reads the reply through the API (the ticket now waits on them).
 */
describeInBrowser('Support page in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let supportAdmin: TestAdminUser;
  let user: TestUser;
  let ticket: { documentId: string; subject: string };

  beforeAll(async () => {
    app = await startLyceum();
    jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
    const make = factories(app.strapi);
    user = await make.createUser('student');
    // Another user's closed ticket, which the open inbox leaves out.
    const other = await make.createUser('student');
    const closed = await app.request
      .post('/api/support/tickets')
      .set(other.auth)
      .send({ subject: 'Old closed question', body: 'Solved already' });
    expect(closed.status).toBe(201);
    await app.request.post(`/api/support/tickets/${closed.body.data.documentId}/close`).set(other.auth).send({});
    const opened = await app.request
      .post('/api/support/tickets')
      .set(user.auth)
      .send({ subject: 'My quiz shows no score', body: 'I submitted the final quiz an hour ago and see no score.' });
    expect(opened.status).toBe(201);
    ticket = opened.body.data;
    supportAdmin = await createAdminUser(app.strapi, 'Support');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
  });

  test("a user's ticket, a staff reply on the Support page, the user reads it", async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'support-desk', async () => {
      await logInToAdmin(page, app.baseUrl, supportAdmin.email, supportAdmin.password);
      await page.getByRole('link', { name: 'Support' }).click();
      await page.getByRole('heading', { name: 'Support', level: 1 }).waitFor({ state: 'visible' });

      const row = page.getByRole('row').filter({ hasText: ticket.subject });
      await row.waitFor({ state: 'visible' });
      await row.getByText(user.email).waitFor({ state: 'visible' });
      expect(await page.getByRole('row').filter({ hasText: 'Old closed question' }).count()).toBe(0);
      await screenshot(page, 'support-desk-inbox');

      await page.getByRole('button', { name: `Open ticket ${ticket.subject}` }).click();
      await page.getByRole('heading', { name: ticket.subject, level: 1 }).waitFor({ state: 'visible' });
      await page.getByText('I submitted the final quiz an hour ago').waitFor({ state: 'visible' });

      await page.getByRole('button', { name: 'Assign to me' }).click();
      await page.getByText('Assignee: Support Tester').waitFor({ state: 'visible' });

      await page.getByLabel('Reply').fill('Your teacher grades it by hand: the score shows within a day.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.getByRole('status').filter({ hasText: 'Reply sent' }).waitFor();
      await page.getByText('Your teacher grades it by hand').waitFor({ state: 'visible' });
      await page.getByText('pending (waiting on the user)').waitFor({ state: 'visible' });
      await screenshot(page, 'support-desk-replied');

      const seen = await app.request.get(`/api/support/tickets/${ticket.documentId}`).set(user.auth);
      expect(seen.status).toBe(200);
      expect(seen.body.data).toMatchObject({
        status: 'pending',
        assignee: { fullName: 'Support Tester' },
        messages: [
          { body: 'I submitted the final quiz an hour ago and see no score.', byStaff: false },
          {
            body: 'Your teacher grades it by hand: the score shows within a day.',
            byStaff: true,
            author: { fullName: 'Support Tester' },
          },
        ],
      });
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
