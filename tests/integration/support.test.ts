import { unzipSync } from 'fflate';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { factories, type TestUser } from '../helpers/factories';
import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The support desk (contract "Tutor marketplace", Support): tickets with a thread and the statuses open, pending and
 * closed; staff are API admins and the `support` role (and admin-panel users with the Support page's action).
 */
let app: TestApp;
let mailbox: Mailbox;
let make: ReturnType<typeof factories>;
let alice: TestUser;
let bob: TestUser;
let teacher: TestUser;
let agent: TestUser;
let admin: TestUser;

const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;
const fieldsOf = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: string[] }) => error.path.join('.'));

const open = (user: TestUser, body: Record<string, unknown> = { subject: 'Cannot log in', body: 'Help me please' }) =>
  app.request.post('/api/support/tickets').set(user.auth).send(body);

async function ticketOf(user: TestUser, subject = 'A question') {
  const response = await open(user, { subject, body: `About ${subject}` });
  expectStatus(response, 201);
  return response.body.data as { documentId: string; subject: string };
}

const show = (user: TestUser, documentId: string) =>
  app.request.get(`/api/support/tickets/${documentId}`).set(user.auth);
const reply = (user: TestUser, documentId: string, body: unknown) =>
  app.request.post(`/api/support/tickets/${documentId}/messages`).set(user.auth).send({ body });
const close = (user: TestUser, documentId: string) =>
  app.request.post(`/api/support/tickets/${documentId}/close`).set(user.auth).send({});

async function until(condition: () => Promise<boolean>, what: string) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const SECRETS = /password|resetPasswordToken|confirmationToken|"provider"|\$2[aby]\$/;

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({ ...smtpSettings(mailbox) });
  make = factories(app.strapi);
  [alice, bob, teacher, agent, admin] = await Promise.all([
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('teacher'),
    make.createUser('support'),
    make.createUser('admin'),
  ]);
}, 300_000);
afterAll(async () => {
  await stopLyceum();
  await mailbox.close();
});

describe('the support role', () => {
  test('exists with type support, and an admin gives it by type', async () => {
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'support' } });
    expect(role).toMatchObject({ type: 'support', name: 'Support' });
    const user = await make.createUser('student');
    const given = await app.request.put(`/api/users/${user.id}`).set(admin.auth).send({ role: 'support' });
    expectStatus(given, 200);
    const me = await app.request.get('/api/users/me').set(user.auth);
    expect(me.body.role?.type ?? me.body.data?.role?.type).toBe('support');
  });
});

describe('opening a ticket', () => {
  test('201: an open ticket with its first message; the author sees no email of anyone', async () => {
    const response = await open(alice, { subject: '  Cannot <b>log</b> in ', body: 'My password stopped working' });
    expectStatus(response, 201);
    expect(response.body.data).toMatchObject({
      documentId: expect.stringMatching(/^[a-z0-9]+$/),
      subject: 'Cannot log in',
      status: 'open',
      author: { id: alice.id, username: alice.username },
      assignee: null,
      messagesCount: 1,
      closedAt: null,
      messages: [{ body: 'My password stopped working', byStaff: false, author: { id: alice.id } }],
    });
    expect(response.body.data.author).not.toHaveProperty('email');
  });

  test('400 naming each missing, empty, non-text or too long field, and unknown ones', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['subject', 'body']],
      [{ subject: 'Hi' }, ['body']],
      [{ body: 'Hi' }, ['subject']],
      [{ subject: '   ', body: 'x' }, ['subject']],
      [{ subject: '<i></i>', body: 'x' }, ['subject']],
      [{ subject: 42, body: 'x' }, ['subject']],
      [{ subject: 'x'.repeat(201), body: 'x' }, ['subject']],
      [{ subject: 'x', body: 'y'.repeat(5001) }, ['body']],
      [{ subject: 'x', body: ['y'] }, ['body']],
      [{ subject: 'x', body: 'y', status: 'closed' }, ['status']],
    ];
    for (const [body, fields] of cases) {
      const response = await open(alice, body);
      expect([JSON.stringify(body).slice(0, 60), response.status]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
      expect(fieldsOf(response).sort()).toEqual([...fields].sort());
    }
    expect((await open(alice, { subject: 'x'.repeat(200), body: 'y'.repeat(5000) })).status).toBe(201);
  });

  test('visitors without a token may not', async () => {
    const response = await app.request.post('/api/support/tickets').send({ subject: 'Hi', body: 'There' });
    expect([401, 403]).toContain(response.status);
    expect((await app.request.get('/api/support/tickets')).status).toBeGreaterThanOrEqual(401);
  });
});

describe('who sees a ticket', () => {
  test('its author and staff (support role, admins); another user or a teacher gets 404', async () => {
    const ticket = await ticketOf(alice, 'Private matter');
    expectStatus(await show(alice, ticket.documentId), 200);
    for (const outsider of [bob, teacher]) {
      const response = await show(outsider, ticket.documentId);
      expect(response.status).toBe(404);
      expect(reasonOf(response)).toBe('ticket_not_found');
      expect(
        (await app.request.get(`/api/support/tickets/${ticket.documentId}/messages`).set(outsider.auth)).status
      ).toBe(404);
      expect((await reply(outsider, ticket.documentId, 'me too')).status).toBe(404);
      expect((await close(outsider, ticket.documentId)).status).toBe(404);
    }
    for (const staff of [agent, admin]) {
      const response = await show(staff, ticket.documentId);
      expectStatus(response, 200);
      // Staff see the author's email, never a password or a token.
      expect(response.body.data.author).toEqual({
        id: alice.id,
        username: alice.username,
        fullName: expect.any(String),
        email: alice.email,
      });
      expect(JSON.stringify(response.body)).not.toMatch(SECRETS);
    }
  });

  test('a malformed documentId is 400, an unknown one 404', async () => {
    expect((await show(alice, 'not-an-id!')).status).toBe(400);
    const unknown = await show(agent, 'abcdefghijklmnopqrstuvwx');
    expect(unknown.status).toBe(404);
    expect(reasonOf(unknown)).toBe('ticket_not_found');
  });

  test('lists: one own tickets; staff all, filtered by status, newest first, paginated', async () => {
    const carol = await make.createUser('student');
    const dave = await make.createUser('student');
    const first = await ticketOf(carol, 'First of carol');
    const second = await ticketOf(carol, 'Second of carol');
    const daves = await ticketOf(dave, 'Of dave');

    const mine = await app.request.get('/api/support/tickets').set(carol.auth);
    expectStatus(mine, 200);
    expect(mine.body.data.map((ticket: any) => ticket.documentId)).toEqual([second.documentId, first.documentId]);
    expect(mine.body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 2 });

    const all = await app.request.get('/api/support/tickets?pagination[pageSize]=100').set(agent.auth);
    const ids = all.body.data.map((ticket: any) => ticket.documentId);
    expect(ids).toEqual(expect.arrayContaining([first.documentId, second.documentId, daves.documentId]));
    expect(ids.indexOf(daves.documentId)).toBeLessThan(ids.indexOf(first.documentId));
    expect(all.body.meta.pagination.total).toBeGreaterThanOrEqual(3);

    const paged = await app.request
      .get('/api/support/tickets?pagination[pageSize]=1&pagination[page]=2')
      .set(carol.auth);
    expect(paged.body.data.map((ticket: any) => ticket.documentId)).toEqual([first.documentId]);
    expect(paged.body.meta.pagination).toEqual({ page: 2, pageSize: 1, pageCount: 2, total: 2 });

    expectStatus(await close(carol, first.documentId), 200);
    const closed = await app.request.get('/api/support/tickets?status=closed&pagination[pageSize]=100').set(agent.auth);
    expect(closed.body.data.every((ticket: any) => ticket.status === 'closed')).toBe(true);
    expect(closed.body.data.map((ticket: any) => ticket.documentId)).toContain(first.documentId);
    const openOnes = await app.request.get('/api/support/tickets?status=open&pagination[pageSize]=100').set(admin.auth);
    expect(openOnes.body.data.map((ticket: any) => ticket.documentId)).not.toContain(first.documentId);
    expect(openOnes.body.data.map((ticket: any) => ticket.documentId)).toContain(second.documentId);
    const ownOpen = await app.request.get('/api/support/tickets?status=open').set(carol.auth);
    expect(ownOpen.body.data.map((ticket: any) => ticket.documentId)).toEqual([second.documentId]);

    const badStatus = await app.request.get('/api/support/tickets?status=solved').set(agent.auth);
    expect(badStatus.status).toBe(400);
    expect(fieldsOf(badStatus)).toEqual(['status']);
    const badPage = await app.request.get('/api/support/tickets?pagination[pageSize]=101').set(agent.auth);
    expect(badPage.status).toBe(400);
  });
});

describe('the thread and its statuses', () => {
  test('a staff reply sets pending, the user reply sets open again; messages in order', async () => {
    const ticket = await ticketOf(alice, 'Refund question');
    const staffReply = await reply(agent, ticket.documentId, 'Which order?');
    expectStatus(staffReply, 201);
    expect(staffReply.body.data).toMatchObject({ body: 'Which order?', byStaff: true, author: { id: agent.id } });
    expect((await show(alice, ticket.documentId)).body.data.status).toBe('pending');

    const userReply = await reply(alice, ticket.documentId, 'Order 42');
    expectStatus(userReply, 201);
    expect(userReply.body.data.byStaff).toBe(false);
    expect((await show(alice, ticket.documentId)).body.data.status).toBe('open');

    expectStatus(await reply(admin, ticket.documentId, 'Refunded'), 201);
    const thread = await app.request.get(`/api/support/tickets/${ticket.documentId}/messages`).set(alice.auth);
    expectStatus(thread, 200);
    expect(thread.body.data.map((message: any) => [message.body, message.byStaff])).toEqual([
      ['About Refund question', false],
      ['Which order?', true],
      ['Order 42', false],
      ['Refunded', true],
    ]);
    expect(thread.body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 4 });
    // The user sees staff by name, never their email.
    expect(thread.body.data[1].author).toEqual({
      id: agent.id,
      username: agent.username,
      fullName: expect.any(String),
    });
    expect(JSON.stringify(thread.body)).not.toMatch(SECRETS);
    const shown = await show(alice, ticket.documentId);
    expect(shown.body.data).toMatchObject({ status: 'pending', messagesCount: 4 });
    expect(shown.body.data.messages).toHaveLength(4);
  });

  test('a reply needs a body: 400 naming it', async () => {
    const ticket = await ticketOf(alice);
    for (const body of [undefined, '', '   ', 7, 'z'.repeat(5001)]) {
      const response = await reply(alice, ticket.documentId, body);
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['body']);
    }
    const extra = await app.request
      .post(`/api/support/tickets/${ticket.documentId}/messages`)
      .set(alice.auth)
      .send({ body: 'ok', status: 'closed' });
    expect(extra.status).toBe(400);
    expect(fieldsOf(extra)).toEqual(['status']);
  });

  test('the author or staff close; a closed ticket takes no reply (409 ticket_closed) and no second close', async () => {
    const byAuthor = await ticketOf(alice, 'Closed by me');
    const closed = await close(alice, byAuthor.documentId);
    expectStatus(closed, 200);
    expect(closed.body.data).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    for (const user of [alice, agent]) {
      const refused = await reply(user, byAuthor.documentId, 'one more thing');
      expect(refused.status).toBe(409);
      expect(reasonOf(refused)).toBe('ticket_closed');
    }
    const again = await close(agent, byAuthor.documentId);
    expect(again.status).toBe(409);
    expect(reasonOf(again)).toBe('ticket_closed');

    const byStaff = await ticketOf(alice, 'Closed by support');
    expectStatus(await close(agent, byStaff.documentId), 200);
    const audit = await app.request.get(`/api/audit-events?entity=ticket:${byStaff.documentId}`).set(admin.auth);
    expect(audit.body.data.map((event: any) => [event.action, event.actor, event.after])).toEqual([
      ['ticket.closed', agent.id, { status: 'closed' }],
    ]);
  });

  test('concurrent closes and replies: one close wins, every reply lands before it or gets 409', async () => {
    const ticket = await ticketOf(alice, 'Race');
    const results = await Promise.all([
      close(alice, ticket.documentId),
      close(agent, ticket.documentId),
      reply(agent, ticket.documentId, 'r1'),
      reply(alice, ticket.documentId, 'r2'),
      close(admin, ticket.documentId),
    ]);
    const closes = [results[0], results[1], results[4]].map((response) => response.status).sort();
    expect(closes).toEqual([200, 409, 409]);
    for (const response of [results[2], results[3]]) expect([201, 409]).toContain(response.status);
    const landed = [results[2], results[3]].filter((response) => response.status === 201).length;
    const shown = await show(alice, ticket.documentId);
    expect(shown.body.data).toMatchObject({ status: 'closed', messagesCount: 1 + landed });
  });
});

describe('assignment', () => {
  test('staff take a ticket ("assign to me"); users may not; closed tickets are refused', async () => {
    const ticket = await ticketOf(alice, 'Take me');
    const refused = await app.request.post(`/api/support/tickets/${ticket.documentId}/assign`).set(alice.auth);
    expect(refused.status).toBe(403);
    const taken = await app.request.post(`/api/support/tickets/${ticket.documentId}/assign`).set(agent.auth).send({});
    expectStatus(taken, 200);
    expect(taken.body.data).toMatchObject({
      assignee: { id: agent.id, username: agent.username },
      assignedToCaller: true,
    });
    const byAdmin = await app.request.post(`/api/support/tickets/${ticket.documentId}/assign`).set(admin.auth);
    expect(byAdmin.body.data.assignee).toMatchObject({ id: admin.id });
    expect((await show(agent, ticket.documentId)).body.data.assignedToCaller).toBe(false);
    const audit = await app.request.get(`/api/audit-events?entity=ticket:${ticket.documentId}`).set(admin.auth);
    expect(audit.body.data.map((event: any) => event.action)).toEqual(['ticket.assigned', 'ticket.assigned']);

    expectStatus(await close(alice, ticket.documentId), 200);
    const late = await app.request.post(`/api/support/tickets/${ticket.documentId}/assign`).set(agent.auth);
    expect(late.status).toBe(409);
    expect(reasonOf(late)).toBe('ticket_closed');
  });
});

describe('notices', () => {
  test('a staff reply tells the author: an in-app notice and a mail; their own reply tells nobody', async () => {
    const user = await make.createUser('student', { preferredLocale: 'ru' });
    const ticket = await ticketOf(user, 'Где сертификат');
    expectStatus(await reply(user, ticket.documentId, 'Жду'), 201);
    expectStatus(await reply(agent, ticket.documentId, 'Сертификат выслан'), 201);
    let notices: any[] = [];
    await until(async () => {
      notices = (await app.request.get('/api/me/notifications').set(user.auth)).body.data ?? [];
      return notices.some((notice) => notice.type === 'support_reply');
    }, 'the reply notice');
    expect(notices.filter((notice) => notice.type === 'support_reply')).toEqual([
      expect.objectContaining({
        title: 'Ответ поддержки: Где сертификат',
        link: `/support/tickets/${ticket.documentId}`,
      }),
    ]);
    const mail = await mailbox.waitFor(user.email, /Поддержка ответила/);
    expect(mail.text).toContain('Сертификат выслан');

    const english = await make.createUser('student');
    const other = await ticketOf(english, 'Where is my invoice');
    expectStatus(await reply(admin, other.documentId, 'Attached'), 201);
    const englishMail = await mailbox.waitFor(english.email, /Support replied to your ticket: Where is my invoice/);
    expect(englishMail.text).toContain('Attached');
    // Staff hear nothing of the user's replies through these notices.
    const agentNotices = (await app.request.get('/api/me/notifications').set(agent.auth)).body.data ?? [];
    expect(agentNotices.filter((notice: any) => notice.type === 'support_reply')).toEqual([]);
  });
});

describe('the admin panel', () => {
  let supportPanel: AdminSession;
  let marketer: AdminSession;
  beforeAll(async () => {
    supportPanel = await adminSession(app, 'Support');
    marketer = await adminSession(app, 'Marketer');
  });

  test('the Support role lists by status, takes, replies as the panel user and closes; a Marketer gets 403', async () => {
    const ticket = await ticketOf(bob, 'Panel ticket');
    const inbox = await app.request.get('/support/tickets?status=open&pagination[pageSize]=100').set(supportPanel.auth);
    expectStatus(inbox, 200);
    expect(inbox.body.data.map((row: any) => row.documentId)).toContain(ticket.documentId);
    expect(inbox.body.data.find((row: any) => row.documentId === ticket.documentId).author.email).toBe(bob.email);

    for (const [method, path] of [
      ['get', '/support/tickets'],
      ['get', `/support/tickets/${ticket.documentId}`],
      ['post', `/support/tickets/${ticket.documentId}/assign`],
      ['post', `/support/tickets/${ticket.documentId}/messages`],
      ['post', `/support/tickets/${ticket.documentId}/close`],
    ] as const) {
      const response = await (app.request as any)[method](path).set(marketer.auth).send({ body: 'x' });
      expect([path, response.status]).toEqual([path, 403]);
    }
    // A users-permissions token is no admin-panel token.
    expect((await app.request.get('/support/tickets').set(agent.auth)).status).toBe(401);

    const taken = await app.request.post(`/support/tickets/${ticket.documentId}/assign`).set(supportPanel.auth);
    expectStatus(taken, 200);
    expect(taken.body.data).toMatchObject({ assignee: { fullName: 'Support Tester' }, assignedToCaller: true });

    const answered = await app.request
      .post(`/support/tickets/${ticket.documentId}/messages`)
      .set(supportPanel.auth)
      .send({ body: 'Fixed on our side' });
    expectStatus(answered, 201);
    expect(answered.body.data).toMatchObject({ byStaff: true, author: { id: null, fullName: 'Support Tester' } });
    const empty = await app.request
      .post(`/support/tickets/${ticket.documentId}/messages`)
      .set(supportPanel.auth)
      .send({ body: '' });
    expect(empty.status).toBe(400);
    expect(fieldsOf(empty)).toEqual(['body']);

    const seen = await show(bob, ticket.documentId);
    expect(seen.body.data.status).toBe('pending');
    expect(seen.body.data.messages[1]).toMatchObject({
      body: 'Fixed on our side',
      author: { fullName: 'Support Tester' },
    });

    expectStatus(await app.request.post(`/support/tickets/${ticket.documentId}/close`).set(supportPanel.auth), 200);
    expect((await show(bob, ticket.documentId)).body.data.status).toBe('closed');
    const audit = await app.request.get(`/api/audit-events?entity=ticket:${ticket.documentId}`).set(admin.auth);
    expect(audit.body.data.map((event: any) => [event.action, event.after.staff])).toEqual(
      expect.arrayContaining([
        ['ticket.assigned', expect.stringMatching(/^admin-panel:\d+$/)],
        ['ticket.closed', expect.stringMatching(/^admin-panel:\d+$/)],
      ])
    );
    const badStatus = await app.request.get('/support/tickets?status=nope').set(supportPanel.auth);
    expect(badStatus.status).toBe(400);
  });

  test('a Super Admin holds the action too', async () => {
    const superAdmin = await adminSession(app, 'Super Admin');
    expectStatus(await app.request.get('/support/tickets').set(superAdmin.auth), 200);
  });
});

describe('personal data', () => {
  const binary = (request: any) =>
    request.buffer(true).parse((response: any, done: (error: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });

  test('the export holds the caller’s tickets with their threads', async () => {
    const user = await make.createUser('student');
    const ticket = await ticketOf(user, 'Exportmark ticket');
    expectStatus(await reply(agent, ticket.documentId, 'Exportmark answer'), 201);
    const requested = await app.request.post('/api/me/data-export').set(user.auth);
    expect(requested.status).toBe(202);
    let ready: any = null;
    await until(async () => {
      ready = (await app.request.get(`/api/me/data-export/${requested.body.data.id}`).set(user.auth)).body.data;
      return ready.status !== 'pending';
    }, 'the export');
    expect(ready.status).toBe('ready');
    const download = await binary(app.request.get(ready.downloadUrl).set(user.auth));
    const files = unzipSync(new Uint8Array(download.body));
    const tickets = JSON.parse(Buffer.from(files['support-ticket.json']).toString('utf8'));
    expect(tickets).toEqual([
      expect.objectContaining({
        documentId: ticket.documentId,
        subject: 'Exportmark ticket',
        messages: [
          expect.objectContaining({ body: 'About Exportmark ticket', author: 'you' }),
          expect.objectContaining({ body: 'Exportmark answer', byStaff: true }),
        ],
      }),
    ]);
    expect(JSON.stringify(tickets)).not.toContain(agent.email);
  });

  test('erasure removes the user’s text: their messages are empty and name nobody ("Deleted user")', async () => {
    const user = await make.createUser('student');
    const ticket = await ticketOf(user, 'Erasemark subject');
    expectStatus(await reply(agent, ticket.documentId, 'Staff words stay'), 201);
    expectStatus(await reply(user, ticket.documentId, 'Erasemark reply'), 201);
    expectStatus(await app.request.delete(`/api/users/${user.id}`).set(admin.auth), 200);
    const seen = await show(agent, ticket.documentId);
    expectStatus(seen, 200);
    expect(seen.body.data).toMatchObject({ status: 'closed', author: null, subject: 'Deleted user' });
    expect(seen.body.data.messages.map((message: any) => [message.body, message.author?.id ?? null])).toEqual([
      ['', null],
      ['Staff words stay', agent.id],
      ['', null],
    ]);
    const rows = await app.strapi.db.query('plugin::support.ticket-message' as any).findMany({});
    expect(JSON.stringify(rows)).not.toContain('Erasemark');
    const tickets = await app.strapi.db.query('plugin::support.ticket' as any).findMany({});
    expect(JSON.stringify(tickets)).not.toContain('Erasemark');
  });
});
