import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Contract, "Tutor marketplace", Settings: GET|PUT /me/settings (a PUT merges into what is stored); delivery honours
 * each kind's inApp, email and push; messaging refuses with 403 messages_not_allowed (admins excepted); a private
 * profile is 404 to others, a members-only one to visitors.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
const NOTIFICATION = 'api::notification.notification';
const USER = 'plugin::users-permissions.user';
const notices = () => app.strapi.service(NOTIFICATION) as any;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
});
afterAll(stopLyceum);

const getSettings = (user: TestUser) => app.request.get('/api/me/settings').set(user.auth);
const putSettings = (user: TestUser, body: unknown) =>
  app.request
    .put('/api/me/settings')
    .set(user.auth)
    .send(body as object);

const KINDS = () => (app.strapi.getModel(NOTIFICATION).attributes as any).type.enum as string[];
/** Kinds whose mail the feature writes itself, and the receipt's: mailed unless turned off (the receipt always). */
const MAILED_KINDS = ['certificate_issued', 'waitlist_offer', 'support_reply', 'enrollment', 'order_paid'];

describe('reading and writing', () => {
  test('defaults when nothing is stored: every kind in the app and as push, email as the profile says (on for kinds with a mail of their own or a receipt); public, contacts', async () => {
    const user = await make.createUser('student');
    const response = await getSettings(user);
    expect(response.status).toBe(200);
    const { notifications, privacy } = response.body.data;
    expect(Object.keys(notifications).sort()).toEqual([...KINDS()].sort());
    for (const kind of KINDS())
      expect(notifications[kind]).toEqual({ inApp: true, email: MAILED_KINDS.includes(kind), push: true });
    expect(privacy).toEqual({ profileVisibility: 'public', allowMessagesFrom: 'contacts' });

    const copies = await make.createUser('student', { emailNotifications: true });
    const withCopies = (await getSettings(copies)).body.data.notifications;
    expect(withCopies.grade_posted).toEqual({ inApp: true, email: true, push: true });
  });

  test('a PUT merges into what is stored: other kinds, switches and the privacy block keep their values', async () => {
    const user = await make.createUser('student');
    const first = await putSettings(user, { notifications: { grade_posted: { email: true } } });
    expect(first.status).toBe(200);
    expect(first.body.data.notifications.grade_posted).toEqual({ inApp: true, email: true, push: true });
    await putSettings(user, { notifications: { grade_posted: { push: false }, new_message: { inApp: false } } });
    await putSettings(user, { privacy: { profileVisibility: 'members' } });
    const last = await putSettings(user, { privacy: { allowMessagesFrom: 'nobody' } });
    expect(last.body.data.notifications.grade_posted).toEqual({ inApp: true, email: true, push: false });
    expect(last.body.data.notifications.new_message).toEqual({ inApp: false, email: false, push: true });
    expect(last.body.data.notifications.broadcast).toEqual({ inApp: true, email: false, push: true });
    expect(last.body.data.privacy).toEqual({ profileVisibility: 'members', allowMessagesFrom: 'nobody' });
    expect((await getSettings(user)).body.data).toEqual(last.body.data);
    // An empty PUT changes nothing.
    expect((await putSettings(user, {})).body.data).toEqual(last.body.data);
  });

  test('concurrent PUTs of different fields both stick', async () => {
    const user = await make.createUser('student');
    await Promise.all([
      putSettings(user, { notifications: { broadcast: { email: true } } }),
      putSettings(user, { privacy: { profileVisibility: 'private' } }),
      putSettings(user, { notifications: { new_post: { push: false } } }),
    ]);
    const { data } = (await getSettings(user)).body;
    expect(data.notifications.broadcast.email).toBe(true);
    expect(data.notifications.new_post.push).toBe(false);
    expect(data.privacy.profileVisibility).toBe('private');
  });

  test('bad input is a 400 naming the field, and nothing is stored', async () => {
    const user = await make.createUser('student');
    const cases: Array<[unknown, string]> = [
      [{ notifications: { no_such_kind: { inApp: false } } }, 'notifications.no_such_kind'],
      [{ notifications: { grade_posted: { sms: true } } }, 'notifications.grade_posted.sms'],
      [{ notifications: { grade_posted: { email: 'yes' } } }, 'notifications.grade_posted.email'],
      [{ notifications: { grade_posted: true } }, 'notifications.grade_posted'],
      [{ notifications: [] }, 'notifications'],
      [{ privacy: { profileVisibility: 'friends' } }, 'privacy.profileVisibility'],
      [{ privacy: { allowMessagesFrom: 'teachers' } }, 'privacy.allowMessagesFrom'],
      [{ privacy: { showEmail: true } }, 'privacy.showEmail'],
      [{ privacy: 'private' }, 'privacy'],
      [{ theme: 'dark' }, 'theme'],
    ];
    for (const [body, field] of cases) {
      const response = await putSettings(user, body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors.map((error: any) => error.path[0])).toContain(field);
    }
    const array = await putSettings(user, [1, 2]);
    expect(array.status).toBe(400);
    // One bad field among good ones: nothing of the request is stored.
    const mixed = await putSettings(user, {
      notifications: { grade_posted: { email: true } },
      privacy: { profileVisibility: 'nope' },
    });
    expect(mixed.status).toBe(400);
    const { data } = (await getSettings(user)).body;
    expect(data.notifications.grade_posted.email).toBe(false);
    expect(data.privacy.profileVisibility).toBe('public');
  });

  test('signed out: refused', async () => {
    expect([401, 403]).toContain((await app.request.get('/api/me/settings')).status);
    expect([401, 403]).toContain((await app.request.put('/api/me/settings').send({})).status);
  });
});

describe('notification delivery honours each kind', () => {
  const mailJobsTo = async (email: string) =>
    (await app.strapi.db.connection('lyceum_jobs').where('type', 'mail.send').select('payload')).filter(
      (row: { payload: string }) => JSON.parse(row.payload).to === email
    ).length;
  const noticesOf = (userId: number, title: string) =>
    app.strapi.db.query(NOTIFICATION).count({ where: { user: { id: userId }, title } });

  test('inApp off: no notice of that kind; other kinds still arrive', async () => {
    const user = await make.createUser('student');
    await putSettings(user, { notifications: { grade_posted: { inApp: false } } });
    await notices().notify(user.id, { type: 'grade_posted', title: 'Graded quietly' });
    await notices().notify(user.id, { type: 'broadcast', title: 'Broadcast loudly' });
    expect(await noticesOf(user.id, 'Graded quietly')).toBe(0);
    expect(await noticesOf(user.id, 'Broadcast loudly')).toBe(1);
    // Through the job with a delivery key, as events send them.
    await notices().notifyMany([user.id], { type: 'grade_posted', title: 'Graded by job' }, { deliveryKey: 'k1' });
    expect(await noticesOf(user.id, 'Graded by job')).toBe(0);
  });

  test('email per kind: on without the profile flag sends a copy, off with it sends none', async () => {
    const chooser = await make.createUser('student');
    await putSettings(chooser, { notifications: { grade_posted: { email: true } } });
    await notices().notify(chooser.id, { type: 'grade_posted', title: 'Copy me' });
    await notices().notify(chooser.id, { type: 'broadcast', title: 'No copy' });
    expect(await mailJobsTo(chooser.email)).toBe(1);

    const flagged = await make.createUser('student', { emailNotifications: true });
    await putSettings(flagged, { notifications: { broadcast: { email: false } } });
    await notices().notify(flagged.id, { type: 'broadcast', title: 'No copy for the flagged' });
    expect(await mailJobsTo(flagged.email)).toBe(0);
    await notices().notify(flagged.id, { type: 'grade_posted', title: 'Copy for the flagged' });
    expect(await mailJobsTo(flagged.email)).toBe(1);
  });

  test('a broadcast to many honours each recipient’s own choice', async () => {
    const [quiet, loud, plain] = await Promise.all([
      make.createUser('student'),
      make.createUser('student'),
      make.createUser('student'),
    ]);
    await putSettings(quiet, { notifications: { broadcast: { inApp: false } } });
    await putSettings(loud, { notifications: { broadcast: { email: true } } });
    await notices().notifyMany([quiet.id, loud.id, plain.id], { type: 'broadcast', title: 'To all three' });
    expect(await noticesOf(quiet.id, 'To all three')).toBe(0);
    expect(await noticesOf(loud.id, 'To all three')).toBe(1);
    expect(await noticesOf(plain.id, 'To all three')).toBe(1);
    expect(await mailJobsTo(loud.email)).toBe(1);
    expect(await mailJobsTo(plain.email)).toBe(0);
    expect(await mailJobsTo(quiet.email)).toBe(0);
  });
});

describe('mails of their own (certificates, support replies, enrollments) follow the kind’s switch', () => {
  const mailsTo = async (email: string, subject: RegExp) =>
    (await app.strapi.db.connection('lyceum_jobs').where('type', 'mail.send').select('payload')).filter(
      (row: { payload: string }) => {
        const mail = JSON.parse(row.payload);
        return mail.to === email && subject.test(mail.subject);
      }
    ).length;
  const noticesOf = (userId: number, type: string) =>
    app.strapi.db.query(NOTIFICATION).count({ where: { user: { id: userId }, type } });

  test('a kind with a mail of its own or a receipt gets no generic copy, even for users who want copies of all', async () => {
    const keen = await make.createUser('student', { emailNotifications: true });
    for (const type of MAILED_KINDS) await notices().notify(keen.id, { type, title: `Copy of ${type}?` });
    expect(await mailsTo(keen.email, /^Copy of/)).toBe(0);
    for (const type of MAILED_KINDS) expect(await noticesOf(keen.id, type)).toBe(1);
  });

  test('a certificate mails its holder unless certificate_issued email is off; the notice still comes', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const [plain, quiet] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await putSettings(quiet, { notifications: { certificate_issued: { email: false } } });
    for (const student of [plain, quiet]) {
      const issued = await app.request
        .post(`/api/courses/${course.documentId}/certificates`)
        .set(teacher.auth)
        .send({ user: student.id });
      expect(issued.status).toBe(201);
    }
    expect(await mailsTo(plain.email, /^Your certificate/)).toBe(1);
    expect(await mailsTo(quiet.email, /^Your certificate/)).toBe(0);
    expect(await noticesOf(quiet.id, 'certificate_issued')).toBe(1);
  });

  test('a staff reply mails the ticket’s author unless support_reply email is off, and never twice', async () => {
    const agent = await make.createUser('support');
    const [plain, keen, quiet] = await Promise.all([
      make.createUser('student'),
      make.createUser('student', { emailNotifications: true }),
      make.createUser('student'),
    ]);
    await putSettings(quiet, { notifications: { support_reply: { email: false } } });
    for (const user of [plain, keen, quiet]) {
      const ticket = await app.request
        .post('/api/support/tickets')
        .set(user.auth)
        .send({ subject: 'Where is my grade', body: 'It has been a week.' });
      expect(ticket.status).toBe(201);
      const reply = await app.request
        .post(`/api/support/tickets/${ticket.body.data.documentId}/messages`)
        .set(agent.auth)
        .send({ body: 'Your teacher grades it today.' });
      expect(reply.status).toBe(201);
    }
    const supportMails = async (user: TestUser) =>
      (await app.strapi.db.connection('lyceum_jobs').where('type', 'mail.send').select('payload')).filter(
        (row: { payload: string }) => JSON.parse(row.payload).to === user.email
      ).length;
    expect(await supportMails(plain)).toBe(1);
    expect(await supportMails(keen)).toBe(1);
    expect(await supportMails(quiet)).toBe(0);
  });

  test('the enrollment confirmation goes unless enrollment email is off (read when its job runs)', async () => {
    const send = app.strapi.plugin('email').service('email').send as jest.Mock;
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const [plain, quiet] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await putSettings(quiet, { notifications: { enrollment: { email: false } } });
    const confirmations = app.strapi.plugin('enrollment').service('enrollment-mail');
    for (const student of [plain, quiet])
      await confirmations.sendEnrollmentConfirmation({
        userId: student.id,
        courseDocumentId: course.documentId,
        enrolledAt: new Date().toISOString(),
      });
    const sentTo = (user: TestUser) =>
      send.mock.calls.filter(([mail]: [{ to: string; subject: string }]) => mail.to === user.email).length;
    expect(sentTo(plain)).toBe(1);
    expect(sentTo(quiet)).toBe(0);
  });
});

describe('who may message me', () => {
  let teacher: TestUser;
  let student: TestUser;
  let stranger: TestUser;
  let admin: TestUser;
  const send = (from: TestUser, to: TestUser) =>
    app.request.post(`/api/conversations/${to.id}/messages`).set(from.auth).send({ body: 'Hello there' });

  beforeAll(async () => {
    [teacher, student, stranger, admin] = await Promise.all([
      make.createUser('teacher'),
      make.createUser('student'),
      make.createUser('student'),
      make.createUser('admin'),
    ]);
    const course = await make.createCourse({ teacher, lessons: 1 });
    await make.enroll(student, course);
  });

  test('default (contacts): contacts write, strangers get not_a_contact', async () => {
    expect((await send(student, teacher)).status).toBe(201);
    const refused = await send(stranger, teacher);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('not_a_contact');
  });

  test('nobody: even a contact is refused with 403 messages_not_allowed; admins still write', async () => {
    await putSettings(teacher, { privacy: { allowMessagesFrom: 'nobody' } });
    for (const from of [student, stranger]) {
      const refused = await send(from, teacher);
      expect(refused.status).toBe(403);
      expect(refused.body.error.details.reason).toBe('messages_not_allowed');
    }
    expect((await send(admin, teacher)).status).toBe(201);
  });

  test('contacts chosen: contacts write, strangers get messages_not_allowed', async () => {
    await putSettings(teacher, { privacy: { allowMessagesFrom: 'contacts' } });
    expect((await send(student, teacher)).status).toBe(201);
    const refused = await send(stranger, teacher);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('messages_not_allowed');
  });

  test('everyone: a stranger may write', async () => {
    await putSettings(teacher, { privacy: { allowMessagesFrom: 'everyone' } });
    expect((await send(stranger, teacher)).status).toBe(201);
  });
});

describe('profile visibility', () => {
  let teacher: TestUser;
  let student: TestUser;
  let admin: TestUser;
  const show = (viewer: TestUser | null, id: number) => {
    const request = app.request.get(`/api/teachers/${id}`);
    return viewer ? request.set(viewer.auth) : request;
  };
  const listed = async (viewer: TestUser | null, id: number) => {
    const request = app.request.get('/api/teachers').query({ pageSize: 100 });
    const response = await (viewer ? request.set(viewer.auth) : request);
    expect(response.status).toBe(200);
    return response.body.data.some((profile: any) => profile.id === id);
  };
  const postsOf = (viewer: TestUser | null, id: number) => {
    const request = app.request.get(`/api/users/${id}/posts`);
    return viewer ? request.set(viewer.auth) : request;
  };

  beforeAll(async () => {
    [teacher, student, admin] = await Promise.all([
      make.createUser('teacher', { fullName: 'Hidden Teacher' }),
      make.createUser('student'),
      make.createUser('admin'),
    ]);
  });

  test('public (default): everyone sees the profile, it is listed, its posts page answers', async () => {
    expect((await show(null, teacher.id)).status).toBe(200);
    expect(await listed(null, teacher.id)).toBe(true);
    expect((await postsOf(null, teacher.id)).status).toBe(200);
  });

  test('members: 404 and unlisted to visitors; signed-in users see it', async () => {
    await putSettings(teacher, { privacy: { profileVisibility: 'members' } });
    expect((await show(null, teacher.id)).status).toBe(404);
    expect(await listed(null, teacher.id)).toBe(false);
    expect((await postsOf(null, teacher.id)).status).toBe(404);
    expect((await show(student, teacher.id)).status).toBe(200);
    expect(await listed(student, teacher.id)).toBe(true);
    expect((await postsOf(student, teacher.id)).status).toBe(200);
  });

  test('private: 404 and unlisted to everyone else; the owner and admins still see it', async () => {
    await putSettings(teacher, { privacy: { profileVisibility: 'private' } });
    for (const viewer of [null, student]) {
      const response = await show(viewer, teacher.id);
      expect(response.status).toBe(404);
      expect(JSON.stringify(response.body)).not.toContain('Hidden Teacher');
      expect(await listed(viewer, teacher.id)).toBe(false);
      expect((await postsOf(viewer, teacher.id)).status).toBe(404);
    }
    expect((await show(teacher, teacher.id)).status).toBe(200);
    expect((await show(admin, teacher.id)).status).toBe(200);
    expect(await listed(admin, teacher.id)).toBe(true);
    // Back to public: shown again.
    await putSettings(teacher, { privacy: { profileVisibility: 'public' } });
    expect((await show(null, teacher.id)).status).toBe(200);
  });
  test("follow lists: a private profile's lists are 404 to others, and a private follower leaves other people's lists", async () => {
    const follower = await make.createUser('student');
    expect((await app.request.put(`/api/users/${teacher.id}/follow`).set(follower.auth)).status).toBe(200);
    const followersOf = (viewer: TestUser | null, id: number) => {
      const request = app.request.get(`/api/users/${id}/followers`);
      return viewer ? request.set(viewer.auth) : request;
    };
    const ids = (response: { body: { data: Array<{ id: number }> } }) => response.body.data.map((person) => person.id);
    expect(ids(await followersOf(student, teacher.id))).toContain(follower.id);

    await putSettings(follower, { privacy: { profileVisibility: 'private' } });
    expect(ids(await followersOf(student, teacher.id))).not.toContain(follower.id);
    expect(ids(await followersOf(admin, teacher.id))).toContain(follower.id);
    expect((await app.request.get(`/api/users/${follower.id}/following`).set(student.auth)).status).toBe(404);
    expect((await app.request.get(`/api/users/${follower.id}/following`).set(follower.auth)).status).toBe(200);

    await putSettings(teacher, { privacy: { profileVisibility: 'members' } });
    expect((await followersOf(null, teacher.id)).status).toBe(404);
    expect((await followersOf(student, teacher.id)).status).toBe(200);
    await putSettings(teacher, { privacy: { profileVisibility: 'public' } });
  });
});

describe('personal data', () => {
  test('settings are in the export and erased with the account', async () => {
    const user = await make.createUser('student');
    await putSettings(user, { privacy: { profileVisibility: 'private' } });
    const { collectPersonalData } = require('../../dist/src/privacy/personal-data');
    const data = await collectPersonalData(app.strapi, user.id);
    expect(data.documents['settings.json'].privacy.profileVisibility).toBe('private');
    const erased = await app.request.delete('/api/me').set(user.auth).send({ password: 'Secret-pass-1' });
    expect([200, 204]).toContain(erased.status);
    expect(
      await app.strapi.db.connection('lyceum_account_settings').where({ user_id: user.id }).first()
    ).toBeUndefined();
    expect((await app.strapi.db.query(USER).findOne({ where: { id: user.id } })).fullName).toBe('Deleted user');
  });
});
