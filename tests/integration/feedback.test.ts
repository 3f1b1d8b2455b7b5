import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** Mail through the production path: the nodemailer provider talking SMTP to a local server. */
let app: TestApp;
let make: ReturnType<typeof factories>;
let mailbox: Mailbox;
let admins: TestUser[];
let teacher: TestUser;
const LIMIT = 12;
let sent = 0;

const feedbackCount = () => app.strapi.db.query('api::feedback.feedback').count();
/** Every request counts against the per-IP limit, valid or not. */
const post = (body: unknown) => {
  sent += 1;
  return app.request.post('/api/feedback').send(body as object);
};

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({
    ...smtpSettings(mailbox),
    RATE_LIMIT_FEEDBACK_PER_IP: String(LIMIT),
  });
  make = factories(app.strapi);
  admins = await Promise.all([make.createUser('admin'), make.createUser('admin')]);
  teacher = await make.createUser('teacher');
});
afterAll(async () => {
  await stopLyceum();
  await mailbox.close();
});

test("a visitor's message is stored and emailed to every admin, replying to the visitor", async () => {
  const response = await post({ name: 'Ада Лавлейс', email: 'ada@example.org', message: 'Do you teach engines?' });
  expect(response.status).toBe(201);
  expect(response.body.data).toEqual({ documentId: expect.any(String), createdAt: expect.any(String) });
  const stored = await app.strapi.db
    .query('api::feedback.feedback')
    .findOne({ where: { documentId: response.body.data.documentId } });
  expect(stored).toMatchObject({
    name: 'Ада Лавлейс',
    email: 'ada@example.org',
    message: 'Do you teach engines?',
    handled: false,
  });

  for (const admin of admins) {
    const mail = await mailbox.waitFor(admin.email, /Feedback from Ада Лавлейс/);
    expect(mail.text).toContain('Do you teach engines?');
    expect(mail.text).toContain('ada@example.org');
    expect(mail.replyTo?.value[0].address).toBe('ada@example.org');
  }
  expect(mailbox.to(teacher.email)).toHaveLength(0);
});

test.each([
  [{ email: 'a@b.org', message: 'Hi' }, 'name'],
  [{ name: 'A', message: 'Hi' }, 'email'],
  [{ name: 'A', email: 'not-an-email', message: 'Hi' }, 'email'],
  [{ name: 'A', email: 'a@b.org' }, 'message'],
  [{ name: 'A', email: 'a@b.org', message: '   ' }, 'message'],
  [{ name: 'A', email: 'a@b.org', message: 'x'.repeat(5001) }, 'message'],
  [{ name: 'Evil\r\nBcc: all@example.org', email: 'a@b.org', message: 'Hi' }, 'name'],
  [{ name: 'A', email: 'a@b.org', message: 'Hi', handled: true }, 'handled'],
])('refuses %j with 400 naming %s, storing nothing', async (body, field) => {
  const before = await feedbackCount();
  const response = await post(body);
  expect(response.status).toBe(400);
  expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path[0])).toContain(field);
  expect(await feedbackCount()).toBe(before);
});

test(`the ${LIMIT + 1}th message from one address in ten minutes is 429`, async () => {
  while (sent < LIMIT)
    expect((await post({ name: 'Filler', email: 'f@example.org', message: `Message ${sent}` })).status).toBe(201);
  const before = await feedbackCount();
  const refused = await post({ name: 'One more', email: 'f@example.org', message: 'Again' });
  expect(refused.status).toBe(429);
  expect(refused.body.error.details.reason).toBe('rate_limited');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(await feedbackCount()).toBe(before);
  // Every stored message reaches both admins (and no mail is left in flight when the file ends).
  const deadline = Date.now() + 10_000;
  while (mailbox.messages.length < before * admins.length && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(mailbox.messages).toHaveLength(before * admins.length);
});

test('there is no core REST route to read feedback', async () => {
  expect((await app.request.get('/api/feedbacks').set(admins[0].auth)).status).toBe(404);
});
