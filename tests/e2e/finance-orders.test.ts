import { createAdminUser, type TestAdminUser } from '../helpers/admin-users';
import {
  describeInBrowser,
  logInToAdmin,
  openBrowser,
  screenshot,
  withFailureScreenshot,
  type BrowserSession,
} from '../helpers/browser';
import { enrollmentOf, eventId, paidCourse, placeOrder, sendSandboxWebhook } from '../helpers/commerce';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A Finance admin finds an order by its number on the Orders page, opens it, sees the payment event the provider
 * sent, and refunds it after the confirmation; the buyer's enrollment goes with the full refund.
 */
describeInBrowser('Orders page in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let financeAdmin: TestAdminUser;
  let buyer: TestUser;
  let course: TestCourse;
  let order: { documentId: string; number: string };
  let paymentEventId: string;

  beforeAll(async () => {
    app = await startLyceum();
    jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    course = await paidCourse(make, teacher, 49);
    buyer = await make.createUser('student');
    // Another order first, so the search has something to leave out.
    await placeOrder(app, await make.createUser('student'), { courses: [course.documentId], provider: 'sandbox' });
    const placed = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
    expect(placed.status).toBe(201);
    order = placed.body.data;
    paymentEventId = eventId();
    const paid = await sendSandboxWebhook(app, {
      id: paymentEventId,
      type: 'payment.succeeded',
      order: order.documentId,
    });
    expect(paid.status).toBe(200);
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
    financeAdmin = await createAdminUser(app.strapi, 'Finance');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
  });

  test('finds the order by number, sees its payment event and refunds it after confirming', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'finance-orders', async () => {
      await logInToAdmin(page, app.baseUrl, financeAdmin.email, financeAdmin.password);
      await page.getByRole('link', { name: 'Orders' }).click();
      await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor({ state: 'visible' });

      await page.getByLabel('Order number').fill(order.number);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      // The other buyer's order is left out: the header row and this order's.
      await page.getByRole('row').filter({ hasText: buyer.email }).waitFor({ state: 'visible' });
      expect(await page.getByRole('row').count()).toBe(2);
      await page.getByRole('button', { name: `Open order ${order.number}` }).click();

      await page.getByRole('heading', { name: `Order ${order.number}`, level: 1 }).waitFor({ state: 'visible' });
      const event = page.getByRole('row').filter({ hasText: paymentEventId });
      await event.waitFor({ state: 'visible' });
      await event.getByText('payment.succeeded').waitFor({ state: 'visible' });
      await event.getByText('applied').waitFor({ state: 'visible' });
      await page.getByRole('row').filter({ hasText: course.title }).waitFor({ state: 'visible' });
      await screenshot(page, 'finance-orders-order');

      await page.getByRole('button', { name: `Refund order ${order.number}` }).click();
      await page.getByLabel('Reason for the refund').fill('The buyer asked for it');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('Refund this order?').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Yes, refund 49.00 USD' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Order ${order.number} is refunded` })
        .waitFor();
      await page.getByRole('row').filter({ hasText: 'The buyer asked for it' }).waitFor({ state: 'visible' });
      await screenshot(page, 'finance-orders-refunded');

      const seen = await app.request.get(`/api/orders/${order.documentId}`).set(buyer.auth);
      expect(seen.body.data).toMatchObject({ status: 'refunded', refunded: 49 });
      expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'cancelled' });
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
