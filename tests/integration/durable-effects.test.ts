import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Side effects are jobs (src/jobs): each is recorded in the transaction of the change that causes it, so a change
 * rolled back causes nothing, and each handler is idempotent, so a retried job has its effect once. Mail goes
 * through the production path (nodemailer talking SMTP to a local server).
 */
let app: TestApp;
let mailbox: Mailbox;
let make: ReturnType<typeof factories>;
let teacher: TestUser;

interface JobKind {
  type: string;
  run(strapi: unknown, payload: unknown): Promise<void>;
}
/** The app's own copy of the jobs module (the one every plugin enqueues through), not a second one compiled for jest. */
const jobs = require(path.join(process.cwd(), 'dist', 'src', 'jobs', 'index.js')) as {
  enqueue: (...args: unknown[]) => Promise<unknown>;
  jobKind: (type: string) => JobKind | undefined;
};
const kind = (type: string) => {
  const found = jobs.jobKind(type);
  if (!found) throw new Error(`no job kind ${type}`);
  return found;
};
const mail = require(path.join(process.cwd(), 'dist', 'src', 'mail', 'mail-job.js')) as {
  sendMail: (strapi: unknown, message: { to: string; subject: string; text: string }) => Promise<unknown>;
};
let enqueued: jest.SpyInstance;
/** The payloads enqueued for one job kind since the spy was last cleared. */
const enqueuedOf = (type: string) =>
  enqueued.mock.calls
    .filter(([, jobKind]) => (jobKind as JobKind).type === type)
    .map(([, , payload]) => payload as any);

const NOTIFICATION = 'api::notification.notification';
const noticesOf = (userId: number, title?: string) =>
  app.strapi.db.query(NOTIFICATION).count({ where: { user: { id: userId }, ...(title ? { title } : {}) } });

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({
    ...smtpSettings(mailbox),
    // The retry of a failed mail comes after a short wait, not the production 5 s.
    JOBS_BACKOFF_BASE_MS: '100',
    JOBS_POLL_MS: '100',
  });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  enqueued = jest.spyOn(jobs, 'enqueue');
});
afterAll(async () => {
  enqueued.mockRestore();
  await stopLyceum();
  await mailbox.close();
});
beforeEach(() => enqueued.mockClear());

describe('mail', () => {
  test("Strapi's own mails are mail.send jobs too: a password reset goes through the job", async () => {
    const user = await make.createUser('student');
    expect((await app.request.post('/api/auth/forgot-password').send({ email: user.email })).status).toBe(200);
    await mailbox.waitFor(user.email, /reset password/i);
    expect(enqueuedOf('mail.send')).toEqual([expect.objectContaining({ to: user.email })]);
    expect(mailbox.to(user.email)).toHaveLength(1);
  });

  test('the email-provider patch against the stock provider: the same message arrives the same, through a job', async () => {
    const stockOf = require(path.join(process.cwd(), 'dist', 'src', 'strapi-patches', 'switches.js')).stockOf as (
      patched: unknown
    ) => ((options: Record<string, unknown>) => Promise<unknown>) | undefined;
    const provider = (app.strapi.plugin('email') as unknown as { provider: { send: unknown } }).provider;
    const stockSend = stockOf(provider.send);
    expect(stockSend).toBeDefined();
    const message = {
      to: 'compare@example.test',
      text: 'Same body',
      html: '<p>Same body</p>',
      replyTo: 'a@example.test',
    };
    await stockSend!({ ...message, subject: 'Compared (stock)' });
    expect(enqueuedOf('mail.send')).toEqual([]);
    await app.strapi
      .plugin('email')
      .service('email')
      .send({ ...message, subject: 'Compared (patched)' });
    expect(enqueuedOf('mail.send')).toEqual([expect.objectContaining({ subject: 'Compared (patched)' })]);
    const viaStock = await mailbox.waitFor(message.to, /Compared \(stock\)/);
    const viaJob = await mailbox.waitFor(message.to, /Compared \(patched\)/, 30_000);
    const shape = (mail: typeof viaStock) => ({
      from: mail.from?.text,
      to: mail.to,
      replyTo: mail.replyTo?.text,
      text: mail.text,
      html: mail.html,
    });
    expect(shape(viaJob)).toEqual(shape(viaStock));
    expect(mailbox.to(message.to)).toHaveLength(2);
  });

  test('a failed send throws (so the runner retries the job); the retry sends the message once', async () => {
    const service = app.strapi.plugin('email').service('email');
    const send = jest.spyOn(service, 'send').mockRejectedValueOnce(new Error('SMTP is down'));
    const message = { to: 'retry@example.test', subject: 'Retried once', text: 'Hello' };
    try {
      await expect(kind('mail.send').run(app.strapi, message)).rejects.toThrow('SMTP is down');
      await kind('mail.send').run(app.strapi, message);
    } finally {
      send.mockRestore();
    }
    await mailbox.waitFor('retry@example.test', /Retried once/);
    expect(mailbox.to('retry@example.test')).toHaveLength(1);
  });

  test('through the runner: an SMTP failure on the first attempt is retried and the mail arrives once', async () => {
    const service = app.strapi.plugin('email').service('email');
    const send = jest.spyOn(service, 'send').mockRejectedValueOnce(new Error('SMTP is down'));
    try {
      await mail.sendMail(app.strapi, { to: 'runner@example.test', subject: 'Via runner', text: 'Hello' });
      await mailbox.waitFor('runner@example.test', /Via runner/, 30_000);
    } finally {
      send.mockRestore();
    }
    expect(mailbox.to('runner@example.test')).toHaveLength(1);
  });

  test('an enrollment is confirmed by one mail; a refused one (course full) sends none', async () => {
    const course = await make.createCourse({ teacher, lessons: 1, data: { capacity: 1 } });
    const [first, second] = [await make.createUser('student'), await make.createUser('student')];
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(first.auth)).status).toBe(201);
    const refused = await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(second.auth);
    expect(refused.body.error.details.reason).toBe('course_full');
    await mailbox.waitFor(first.email, /enrolled/i);
    // Read from the outbox: on PostgreSQL the job is recorded by the enrollment's own statement, not by enqueue().
    const schema = app.strapi.db.getSchemaName();
    const confirmations = await app.strapi.db
      .connection(schema ? `${schema}.lyceum_jobs` : 'lyceum_jobs')
      .where({ type: 'enrollment.confirmation-mail' })
      .select('payload');
    const confirmedUsers = confirmations.map((row: { payload: string }) => JSON.parse(row.payload).userId as number);
    expect(confirmedUsers.filter((id: number) => id === first.id || id === second.id)).toEqual([first.id]);
    expect(mailbox.to(first.email)).toHaveLength(1);
    expect(mailbox.to(second.email)).toHaveLength(0);
  });

  test('the confirmation job sends its mail itself (no second mail.send job); a failed send is retried', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student');
    const confirmation = {
      userId: student.id,
      courseDocumentId: course.documentId,
      enrolledAt: '2026-01-01T00:00:00.000Z',
    };
    const service = app.strapi.plugin('email').service('email');
    const send = jest.spyOn(service, 'send').mockRejectedValueOnce(new Error('SMTP is down'));
    try {
      await expect(kind('enrollment.confirmation-mail').run(app.strapi, confirmation)).rejects.toThrow('SMTP is down');
      await kind('enrollment.confirmation-mail').run(app.strapi, confirmation);
    } finally {
      send.mockRestore();
    }
    await mailbox.waitFor(student.email, /enrolled/i);
    expect(mailbox.to(student.email)).toHaveLength(1);
    expect(enqueuedOf('mail.send').filter((mail) => mail.to === student.email)).toHaveLength(0);
  });

  test('feedback is stored with one mail job per admin; a failed store sends nothing', async () => {
    const admin = await make.createUser('admin');
    const response = await app.request
      .post('/api/feedback')
      .send({ name: 'Durable', email: 'durable@example.org', message: 'Still there?' });
    expect(response.status).toBe(201);
    await mailbox.waitFor(admin.email, /Feedback from Durable/);
    expect(enqueuedOf('mail.send').filter((mail) => mail.to === admin.email)).toHaveLength(1);

    enqueued.mockClear();
    await expect(
      app.strapi.db.transaction(async () => {
        await app.strapi.plugin('community').service('feedback').submit({
          name: 'Rolled back',
          email: 'gone@example.org',
          message: 'Never stored',
        });
        throw new Error('rolled back');
      })
    ).rejects.toThrow('rolled back');
    // Proof by a later mail: had the rolled-back one been sent, it would have arrived first.
    await app.request.post('/api/feedback').send({ name: 'After', email: 'after@example.org', message: 'Hi' });
    await mailbox.waitFor(admin.email, /Feedback from After/);
    expect(mailbox.to(admin.email).filter((mail) => /Rolled back/.test(mail.subject ?? ''))).toHaveLength(0);
  });
});

describe('certificates', () => {
  const issue = (userId: number, courseDocumentId: string) =>
    app.strapi.plugin('certificates').service('certificates').issue({ userId, courseDocumentId, now: new Date() });

  test('an issue mails and notifies the holder once; issuing again causes nothing', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student');
    const first = await issue(student.id, course.documentId);
    const second = await issue(student.id, course.documentId);
    expect([first.created, second.created]).toEqual([true, false]);
    await mailbox.waitFor(student.email, /certificate/i);
    expect(enqueuedOf('mail.send').filter((mail) => mail.to === student.email)).toHaveLength(1);
    expect(enqueuedOf('notification.send')).toHaveLength(1);
    // The notice is readable when issue() returns, as before jobs.
    expect(await noticesOf(student.id)).toBe(1);
    expect(mailbox.to(student.email)).toHaveLength(1);
  });

  test('a rolled-back issue leaves no certificate, no mail and no notice', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student');
    await expect(
      app.strapi.db.transaction(async () => {
        expect((await issue(student.id, course.documentId)).created).toBe(true);
        throw new Error('rolled back');
      })
    ).rejects.toThrow('rolled back');
    expect(await noticesOf(student.id)).toBe(0);
    // Issued for real now: this mail arrives, and it is the only one.
    expect((await issue(student.id, course.documentId)).created).toBe(true);
    await mailbox.waitFor(student.email, /certificate/i);
    expect(mailbox.to(student.email)).toHaveLength(1);
    expect(await noticesOf(student.id)).toBe(1);
  });
});

describe('notices', () => {
  const message = (title: string) => ({ type: 'broadcast', title, body: 'Body', link: null });

  test('a retried notification.send writes each notice and email copy once', async () => {
    const [keen, quiet] = [
      await make.createUser('student', { emailNotifications: true }),
      await make.createUser('student'),
    ];
    const delivery = { deliveryKey: `test:${keen.id}`, userIds: [keen.id, quiet.id], message: message('Once only') };
    await kind('notification.send').run(app.strapi, delivery);
    await kind('notification.send').run(app.strapi, delivery);
    expect(await noticesOf(keen.id, 'Once only')).toBe(1);
    expect(await noticesOf(quiet.id, 'Once only')).toBe(1);
    expect(enqueuedOf('mail.send').filter((mail) => mail.to === keen.email)).toHaveLength(1);
    await mailbox.waitFor(keen.email, /Once only/);
    expect(mailbox.to(quiet.email)).toHaveLength(0);
  });

  test('two deliveries of one job at once leave one notice each (the unique documentId settles it)', async () => {
    const students = [await make.createUser('student'), await make.createUser('student')];
    const delivery = {
      deliveryKey: `race:${students[0].id}`,
      userIds: students.map((student) => student.id),
      message: message('Raced'),
    };
    const results = await Promise.allSettled([
      kind('notification.send').run(app.strapi, delivery),
      kind('notification.send').run(app.strapi, delivery),
    ]);
    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    for (const student of students) expect(await noticesOf(student.id, 'Raced')).toBe(1);
  });

  test("a grade's notice and its email copy are rolled back with it", async () => {
    const keen = await make.createUser('student', { emailNotifications: true });
    const notifications = app.strapi.service(NOTIFICATION) as any;
    await expect(
      app.strapi.db.transaction(async () => {
        await notifications.notify(keen.id, message('Rolled-back grade'));
        throw new Error('rolled back');
      })
    ).rejects.toThrow('rolled back');
    await notifications.notify(keen.id, message('Kept grade'));
    await mailbox.waitFor(keen.email, /Kept grade/);
    expect(mailbox.to(keen.email).map((mail) => mail.subject)).toEqual(['Kept grade']);
    expect(await noticesOf(keen.id)).toBe(1);
  });

  test("a lesson's first publication is a lesson.notify-students job; its notice is there when publishing returns", async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    enqueued.mockClear();
    const lesson = await app.strapi.documents('api::lesson.lesson').create({
      locale: 'en',
      data: { title: 'Fresh lesson', position: 2, kind: 'text', content: 'New', course: course.documentId } as any,
    });
    await app.strapi.documents('api::lesson.lesson').publish({ documentId: lesson.documentId, locale: 'en' });
    expect(enqueuedOf('lesson.notify-students')).toEqual([
      expect.objectContaining({ lessonDocumentId: lesson.documentId }),
    ]);
    expect(await noticesOf(student.id, `New lesson in ${course.title}`)).toBe(1);
    // A second publication is no first publication.
    await app.strapi.documents('api::lesson.lesson').publish({ documentId: lesson.documentId, locale: 'en' });
    expect(enqueuedOf('lesson.notify-students')).toHaveLength(1);
  });
});
