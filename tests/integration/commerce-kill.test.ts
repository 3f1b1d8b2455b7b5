import { factories, type TestUser } from '../helpers/factories';
import { eventId, paidCourse, placeOrder, sandboxSignature, seatsOf } from '../helpers/commerce';
import { runJobsHereUntil, startInstance, stopFleet, type LyceumProcess } from '../helpers/fleet';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Kill tests of a purchase: a Lyceum process dies by SIGKILL between "paid" (the webhook's commit, with the
 * fulfilment job recorded in the same transaction) and "enrolled", or in the middle of the fulfilment after the
 * enrollment was written. Another runner (the test's own process) takes the job over once its lease runs out, and
 * the buyer ends up enrolled exactly once, with one receipt notice, and the seat the order held turned into theirs.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;

const jobsTable = () => {
  const schema = app.strapi.db.dialect.client === 'postgres' ? app.strapi.db.getSchemaName() : null;
  return schema ? `${schema}.lyceum_jobs` : 'lyceum_jobs';
};
async function fulfilmentJob(orderDocumentId: string) {
  const result = (await app.strapi.db.connection.raw('SELECT status, attempts FROM ?? WHERE type = ? AND "key" = ?', [
    jobsTable(),
    'commerce.fulfil-order',
    orderDocumentId,
  ])) as any;
  const row = (Array.isArray(result) ? result[0] : result.rows[0]) as { status: string; attempts: unknown } | undefined;
  return row && { status: row.status, attempts: Number(row.attempts) };
}
const enrollmentsOf = (buyer: TestUser, courseDocumentId: string) =>
  app.strapi.db
    .query('plugin::enrollment.enrollment')
    .count({ where: { key: `${buyer.id}:${courseDocumentId}`, status: 'active' } });
const paidNotices = (buyer: TestUser) =>
  app.strapi.db
    .query('api::notification.notification')
    .count({ where: { user: { id: buyer.id }, type: 'order_paid' } });
const orderRow = (documentId: string) =>
  app.strapi.db.query('plugin::commerce.order').findOne({ where: { documentId } });

beforeAll(async () => {
  // This instance only prepares and inspects: it runs no jobs.
  app = await startLyceum({ JOBS_WORKER: 'false' });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
}, 120_000);
afterAll(async () => {
  await stopFleet();
  await stopLyceum();
});

/** A pending sandbox order for a one-seat course, placed through this test's instance. */
async function pendingOrder() {
  const course = await paidCourse(make, teacher, 19, { capacity: 1 });
  const buyer = await make.createUser('student');
  const response = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
  expect(response.status).toBe(201);
  return { course, buyer, order: response.body.data as { documentId: string } };
}

/** The provider's "paid", sent to the dying instance; its answer never comes. */
function payThrough(instance: LyceumProcess, orderDocumentId: string) {
  const raw = JSON.stringify({ id: eventId(), type: 'payment.succeeded', order: orderDocumentId });
  void fetch(`${instance.url}/api/payments/webhooks/sandbox`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sandboxSignature(raw) },
    body: raw,
  }).catch(() => undefined);
}

/** Another runner (this process) runs the job once the lease is out, and the notice job it records. */
async function takeOver(orderDocumentId: string, buyer: TestUser) {
  await runJobsHereUntil(
    app.strapi,
    async () => (await fulfilmentJob(orderDocumentId))?.status === 'done' && (await paidNotices(buyer)) > 0,
    'the fulfilment job and its notice to be done'
  );
}

test('killed between "paid" and "enrolled": the next runner enrolls the buyer once, on the held seat', async () => {
  const { course, buyer, order } = await pendingOrder();
  const dying = await startInstance('dying-before', {
    JOBS_WORKER: 'false',
    JOBS_LEASE_MS: '1000',
    TEST_HANG_FULFILMENT: 'before',
  });
  payThrough(dying, order.documentId);
  await dying.waitFor(/hung fulfilment before/);
  dying.child.kill('SIGKILL');
  expect(await dying.exited).toBe('SIGKILL');

  // "Paid" committed with its job; nothing of the job happened.
  const paid = await orderRow(order.documentId);
  expect([paid.status, paid.fulfilledAt]).toEqual(['paid', null]);
  expect(await fulfilmentJob(order.documentId)).toEqual({ status: 'running', attempts: 1 });
  expect(await enrollmentsOf(buyer, course.documentId)).toBe(0);
  expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });

  await takeOver(order.documentId, buyer);
  expect(await fulfilmentJob(order.documentId)).toEqual({ status: 'done', attempts: 2 });
  expect(await enrollmentsOf(buyer, course.documentId)).toBe(1);
  expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
  expect((await orderRow(order.documentId)).fulfilledAt).not.toBeNull();
  expect(await paidNotices(buyer)).toBe(1);
}, 180_000);

test('killed mid-fulfilment, after the enrollment was written: the retry enrolls nothing more, tells the buyer once', async () => {
  const { course, buyer, order } = await pendingOrder();
  const dying = await startInstance('dying-after', {
    JOBS_WORKER: 'false',
    JOBS_LEASE_MS: '1000',
    TEST_HANG_FULFILMENT: 'after',
  });
  payThrough(dying, order.documentId);
  await dying.waitFor(/hung fulfilment after/);
  dying.child.kill('SIGKILL');
  expect(await dying.exited).toBe('SIGKILL');
  expect(await fulfilmentJob(order.documentId)).toEqual({ status: 'running', attempts: 1 });
  expect(await enrollmentsOf(buyer, course.documentId)).toBe(1);
  expect((await orderRow(order.documentId)).fulfilledAt).toBeNull();

  await takeOver(order.documentId, buyer);
  expect(await fulfilmentJob(order.documentId)).toEqual({ status: 'done', attempts: 2 });
  expect(await enrollmentsOf(buyer, course.documentId)).toBe(1);
  expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
  expect(await paidNotices(buyer)).toBe(1);
}, 180_000);
