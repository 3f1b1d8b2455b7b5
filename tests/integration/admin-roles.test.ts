import { randomBytes } from 'crypto';
import { LMS_PAGE_ACTIONS } from '../../src/access/admin-route';
import { ADMIN_ROLES, IS_COURSE_TEACHER_UID, ensureAdminRoles } from '../../src/bootstrap/admin-roles';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The admin-panel roles, proven through the admin API itself: real admin users log in with POST /admin/login
 * and call the content-manager routes the admin panel calls.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;

const CM = '/content-manager/collection-types';
const adminUser = (roleName: string, email?: string) => adminSession(app, roleName, email);

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
});
afterAll(stopLyceum);

describe('roles at bootstrap', () => {
  test('Marketer, Teacher, Finance, Moderator and Support exist once, and a second run changes nothing', async () => {
    const count = async () =>
      app.strapi.db.query('admin::role').count({ where: { name: { $in: ADMIN_ROLES.map((role) => role.name) } } });
    const permissionCount = async () => app.strapi.db.query('admin::permission').count({});
    expect(await count()).toBe(5);
    const before = await permissionCount();
    await ensureAdminRoles(app.strapi);
    expect(await count()).toBe(5);
    expect(await permissionCount()).toBe(before);
  });

  test('a permission added by hand to a role is removed at the next boot', async () => {
    const marketer = await app.strapi.db.query('admin::role').findOne({ where: { name: 'Marketer' } });
    await app.strapi.db.query('admin::permission').create({
      data: {
        action: 'plugin::content-manager.explorer.read',
        subject: 'api::course.course',
        properties: {},
        conditions: [],
        role: marketer.id,
      },
    });
    await ensureAdminRoles(app.strapi);
    const courseReads = await app.strapi.db
      .query('admin::permission')
      .count({ where: { role: { id: marketer.id }, subject: 'api::course.course' } });
    expect(courseReads).toBe(0);
  });

  test('the teacher condition is registered and every Teacher content permission carries it', async () => {
    expect(app.strapi.service('admin::permission').conditionProvider.has(IS_COURSE_TEACHER_UID)).toBe(true);
    const teacher = await app.strapi.db
      .query('admin::role')
      .findOne({ where: { name: 'Teacher' }, populate: ['permissions'] });
    const content = teacher.permissions.filter((permission: { action: string }) =>
      permission.action.startsWith('plugin::content-manager.')
    );
    expect(content.length).toBeGreaterThan(0);
    for (const permission of content) expect(permission.conditions).toEqual([IS_COURSE_TEACHER_UID]);
    // The LMS pages scope by course themselves: their actions carry no condition.
    const others = teacher.permissions.filter(
      (permission: { action: string }) => !permission.action.startsWith('plugin::content-manager.')
    );
    const expected = [
      ...Object.values(LMS_PAGE_ACTIONS).map((action) => action.id),
      'plugin::rest-cache.cache.read-strategy',
    ];
    expect(others.map((permission: { action: string }) => permission.action).sort()).toEqual(expected.sort());
    for (const permission of others) expect(permission.conditions).toEqual([]);
  });
});

describe('Marketer', () => {
  let marketer: AdminSession;
  beforeAll(async () => {
    marketer = await adminUser('Marketer');
  });

  test('creates and publishes an article, in English and Russian', async () => {
    const created = await app.request
      .post(`${CM}/api::article.article`)
      .query({ locale: 'en' })
      .set(marketer.auth)
      .send({ title: 'Spring sale', body: 'Everything is cheaper' });
    expectStatus(created, 201);
    const documentId = created.body.data.documentId;
    expectStatus(
      await app.request
        .post(`${CM}/api::article.article/${documentId}/actions/publish`)
        .query({ locale: 'en' })
        .set(marketer.auth)
        .send({}),
      200
    );
    const ru = await app.request
      .put(`${CM}/api::article.article/${documentId}`)
      .query({ locale: 'ru' })
      .set(marketer.auth)
      .send({ title: 'Весенняя распродажа', body: 'Всё дешевле' });
    expectStatus(ru, 200);
    expectStatus(
      await app.request
        .post(`${CM}/api::article.article/${documentId}/actions/publish`)
        .query({ locale: 'ru' })
        .set(marketer.auth)
        .send({}),
      200
    );

    const publicRu = await app.request
      .get('/api/articles')
      .query({ locale: 'ru', 'filters[documentId][$eq]': documentId });
    expect(publicRu.body.data).toEqual([expect.objectContaining({ title: 'Весенняя распродажа' })]);
    const list = await app.request.get(`${CM}/api::article.article`).set(marketer.auth);
    expectStatus(list, 200);
    expect(list.body.results.map((entry: any) => entry.documentId)).toContain(documentId);
  });

  test('manages article categories and tags, and reads the media library', async () => {
    expectStatus(
      await app.request
        .post(`${CM}/api::tag.tag`)
        .set(marketer.auth)
        .send({ name: `tag-${randomBytes(3).toString('hex')}` }),
      201
    );
    expectStatus(
      await app.request
        .post(`${CM}/api::article-category.article-category`)
        .query({ locale: 'en' })
        .set(marketer.auth)
        .send({ name: 'News' }),
      201
    );
    expectStatus(await app.request.get('/upload/files').set(marketer.auth), 200);
  });

  test('cannot list, read or create courses, nor read users, roles or settings (403)', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher });
    expectStatus(await app.request.get(`${CM}/api::course.course`).set(marketer.auth), 403);
    expectStatus(
      await app.request.get(`${CM}/api::course.course/${course.documentId}`).query({ locale: 'en' }).set(marketer.auth),
      403
    );
    expectStatus(
      await app.request.post(`${CM}/api::course.course`).set(marketer.auth).send({ title: 'Not mine to make' }),
      403
    );
    expectStatus(await app.request.get(`${CM}/api::lesson.lesson`).set(marketer.auth), 403);
    expectStatus(await app.request.get(`${CM}/plugin::users-permissions.user`).set(marketer.auth), 403);
    expectStatus(await app.request.get('/admin/users').set(marketer.auth), 403);
    expectStatus(await app.request.get('/admin/roles').set(marketer.auth), 403);
    expectStatus(await app.request.get('/users-permissions/roles').set(marketer.auth), 403);
  });

  test('gets 403, never 500, on the content manager relation routes of courses and lessons; reads those of articles', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const refused = [
      `/content-manager/relations/api::course.course/${course.documentId}/teachers`,
      `/content-manager/relations/api::course.course/${course.documentId}/lessons`,
      `/content-manager/relations/api::course.course/${course.documentId}/category`,
      '/content-manager/relations/api::course.course/teachers',
      '/content-manager/relations/api::course.course/prerequisites',
      `/content-manager/relations/api::lesson.lesson/${course.lessons[0].documentId}/course`,
      '/content-manager/relations/api::quiz.quiz/lesson',
    ];
    for (const route of refused) {
      const response = await app.request.get(route).query({ locale: 'en' }).set(marketer.auth);
      expect([route, response.status, response.body.error?.name]).toEqual([route, 403, 'ForbiddenError']);
    }
    for (const route of [
      '/content-manager/relations/api::article.article/tags',
      '/content-manager/relations/api::article.article/category',
    ]) {
      expectStatus(await app.request.get(route).query({ locale: 'en' }).set(marketer.auth), 200);
    }
  });
});

describe('Teacher', () => {
  let teacherUser: TestUser;
  let otherTeacherUser: TestUser;
  let teacher: AdminSession;
  let mine: TestCourse;
  let theirs: TestCourse;
  let sharedCourse: TestCourse;

  beforeAll(async () => {
    teacherUser = await make.createUser('teacher');
    otherTeacherUser = await make.createUser('teacher');
    // The admin account and the course teacher (a users-permissions user) share only their email.
    teacher = await adminUser('Teacher', teacherUser.email);
    mine = await make.createCourse({ teacher: teacherUser, lessons: 2 });
    theirs = await make.createCourse({ teacher: otherTeacherUser, lessons: 1 });
    sharedCourse = await make.createCourse({
      lessons: 1,
      data: { teachers: [teacherUser.documentId, otherTeacherUser.documentId] },
    });
  });

  test('lists only the courses they teach', async () => {
    const list = await app.request
      .get(`${CM}/api::course.course`)
      .query({ locale: 'en', pageSize: 100 })
      .set(teacher.auth);
    expectStatus(list, 200);
    const ids = list.body.results.map((entry: any) => entry.documentId).sort();
    expect(ids).toEqual([mine.documentId, sharedCourse.documentId].sort());
    expect(list.body.results.find((entry: any) => entry.documentId === mine.documentId)).toMatchObject({
      title: mine.title,
    });
  });

  test('updates and publishes their course; 403 on another teacher’s course', async () => {
    const updated = await app.request
      .put(`${CM}/api::course.course/${mine.documentId}`)
      .query({ locale: 'en' })
      .set(teacher.auth)
      .send({ summary: 'Rewritten by its teacher' });
    expectStatus(updated, 200);
    const read = await app.request
      .get(`${CM}/api::course.course/${mine.documentId}`)
      .query({ locale: 'en' })
      .set(teacher.auth);
    expectStatus(read, 200);
    expect(read.body.data).toMatchObject({ title: mine.title, summary: 'Rewritten by its teacher' });
    expectStatus(
      await app.request
        .post(`${CM}/api::course.course/${mine.documentId}/actions/publish`)
        .query({ locale: 'en' })
        .set(teacher.auth)
        .send({}),
      200
    );

    expectStatus(
      await app.request
        .put(`${CM}/api::course.course/${theirs.documentId}`)
        .query({ locale: 'en' })
        .set(teacher.auth)
        .send({ summary: 'Taken over' }),
      403
    );
    expectStatus(
      await app.request.get(`${CM}/api::course.course/${theirs.documentId}`).query({ locale: 'en' }).set(teacher.auth),
      403
    );
    expectStatus(
      await app.request
        .delete(`${CM}/api::course.course/${theirs.documentId}`)
        .query({ locale: 'en' })
        .set(teacher.auth),
      403
    );
    const untouched = await app.strapi
      .documents('api::course.course')
      .findOne({ documentId: theirs.documentId, locale: 'en' });
    expect(untouched?.summary).toBe('A course made by a test');
  });

  test('lessons, quizzes, assignments and announcements follow their course', async () => {
    const lessons = await app.request
      .get(`${CM}/api::lesson.lesson`)
      .query({ locale: 'en', pageSize: 100 })
      .set(teacher.auth);
    expectStatus(lessons, 200);
    const lessonIds = lessons.body.results.map((entry: any) => entry.documentId).sort();
    expect(lessonIds).toEqual([...mine.lessons, ...sharedCourse.lessons].map((lesson) => lesson.documentId).sort());
    expectStatus(
      await app.request
        .put(`${CM}/api::lesson.lesson/${mine.lessons[0].documentId}`)
        .query({ locale: 'en' })
        .set(teacher.auth)
        .send({ title: 'Better title' }),
      200
    );
    expectStatus(
      await app.request
        .put(`${CM}/api::lesson.lesson/${theirs.lessons[0].documentId}`)
        .query({ locale: 'en' })
        .set(teacher.auth)
        .send({ title: 'Stolen' }),
      403
    );

    const [myLessonQuiz, myFinalTest, theirQuiz] = [
      await make.createQuiz(mine),
      await make.createQuiz(mine, { onLesson: false }),
      await make.createQuiz(theirs),
    ];
    const quizzes = await app.request
      .get(`${CM}/api::quiz.quiz`)
      .query({ locale: 'en', pageSize: 100 })
      .set(teacher.auth);
    expectStatus(quizzes, 200);
    const quizIds = quizzes.body.results.map((entry: any) => entry.documentId);
    expect(quizIds).toEqual(expect.arrayContaining([myLessonQuiz.documentId, myFinalTest.documentId]));
    expect(quizIds).not.toContain(theirQuiz.documentId);
    expectStatus(
      await app.request
        .put(`${CM}/api::quiz.quiz/${theirQuiz.documentId}`)
        .query({ locale: 'en' })
        .set(teacher.auth)
        .send({ title: 'Stolen' }),
      403
    );

    const [myAssignment, theirAssignment] = [await make.createAssignment(mine), await make.createAssignment(theirs)];
    const assignments = await app.request
      .get(`${CM}/api::assignment.assignment`)
      .query({ pageSize: 100 })
      .set(teacher.auth);
    expectStatus(assignments, 200);
    expect(assignments.body.results.map((entry: any) => entry.documentId)).toEqual([myAssignment.documentId]);
    expectStatus(
      await app.request
        .put(`${CM}/api::assignment.assignment/${theirAssignment.documentId}`)
        .set(teacher.auth)
        .send({ title: 'Stolen' }),
      403
    );

    const [myNews, theirNews] = [
      await make.createAnnouncement(mine, teacherUser),
      await make.createAnnouncement(theirs, otherTeacherUser),
    ];
    const announcements = await app.request
      .get(`${CM}/api::announcement.announcement`)
      .query({ pageSize: 100 })
      .set(teacher.auth);
    expectStatus(announcements, 200);
    expect(announcements.body.results.map((entry: any) => entry.documentId)).toEqual([myNews.documentId]);
    expectStatus(
      await app.request
        .put(`${CM}/api::announcement.announcement/${theirNews.documentId}`)
        .set(teacher.auth)
        .send({ title: 'Stolen' }),
      403
    );
  });

  test('adds lessons, quizzes and assignments only to courses they teach; cannot move one into another course', async () => {
    const connect = (documentId: string) => ({ connect: [{ documentId, locale: 'en' }] });
    const own = await app.request
      .post(`${CM}/api::lesson.lesson`)
      .query({ locale: 'en' })
      .set(teacher.auth)
      .send({ title: 'New lesson', position: 9, course: connect(mine.documentId) });
    expectStatus(own, 201);
    const lessonsOfTheirs = async () =>
      app.strapi.db.query('api::lesson.lesson').count({ where: { course: { documentId: theirs.documentId } } });
    const before = await lessonsOfTheirs();

    const intruding = await app.request
      .post(`${CM}/api::lesson.lesson`)
      .query({ locale: 'en' })
      .set(teacher.auth)
      .send({ title: 'Planted', position: 9, course: connect(theirs.documentId) });
    expectStatus(intruding, 403);
    expect(intruding.body.error.details.reason).toBe('not_course_owner');
    const moved = await app.request
      .put(`${CM}/api::lesson.lesson/${own.body.data.documentId}`)
      .query({ locale: 'en' })
      .set(teacher.auth)
      .send({ course: connect(theirs.documentId) });
    expectStatus(moved, 403);
    expect(await lessonsOfTheirs()).toBe(before);

    const plantedQuiz = await app.request
      .post(`${CM}/api::quiz.quiz`)
      .query({ locale: 'en' })
      .set(teacher.auth)
      .send({ title: 'Planted quiz', lesson: connect(theirs.lessons[0].documentId) });
    expectStatus(plantedQuiz, 403);
    const plantedAssignment = await app.request
      .post(`${CM}/api::assignment.assignment`)
      .set(teacher.auth)
      .send({ title: 'Planted work', maxPoints: 5, course: { connect: [{ documentId: theirs.documentId }] } });
    expectStatus(plantedAssignment, 403);
    expectStatus(
      await app.request
        .post(`${CM}/api::assignment.assignment`)
        .set(teacher.auth)
        .send({ title: 'Own work', maxPoints: 5, course: { connect: [{ documentId: mine.documentId }] } }),
      201
    );
  });

  test('reads the relations of their own lessons in the panel; 403 on another teacher’s', async () => {
    const own = await app.request
      .get(`/content-manager/relations/api::lesson.lesson/${mine.lessons[0].documentId}/course`)
      .query({ locale: 'en' })
      .set(teacher.auth);
    expectStatus(own, 200);
    expect(own.body.results.map((entry: any) => entry.documentId)).toEqual([mine.documentId]);
    expectStatus(
      await app.request
        .get('/content-manager/relations/api::lesson.lesson/course')
        .query({ locale: 'en' })
        .set(teacher.auth),
      200
    );
    expectStatus(
      await app.request
        .get(`/content-manager/relations/api::lesson.lesson/${theirs.lessons[0].documentId}/course`)
        .query({ locale: 'en' })
        .set(teacher.auth),
      403
    );
  });

  test('cannot touch articles, tags, users or the media library', async () => {
    expectStatus(await app.request.get(`${CM}/api::article.article`).set(teacher.auth), 403);
    expectStatus(
      await app.request
        .post(`${CM}/api::article.article`)
        .query({ locale: 'en' })
        .set(teacher.auth)
        .send({ title: 'Teacher blog' }),
      403
    );
    expectStatus(await app.request.get(`${CM}/api::tag.tag`).set(teacher.auth), 403);
    expectStatus(await app.request.get(`${CM}/plugin::users-permissions.user`).set(teacher.auth), 403);
    expectStatus(await app.request.get('/admin/users').set(teacher.auth), 403);
  });

  test('an admin account whose email teaches nothing sees no course', async () => {
    const stranger = await adminUser('Teacher');
    const list = await app.request.get(`${CM}/api::course.course`).query({ locale: 'en' }).set(stranger.auth);
    expectStatus(list, 200);
    expect(list.body.results).toEqual([]);
    expectStatus(
      await app.request
        .put(`${CM}/api::course.course/${mine.documentId}`)
        .query({ locale: 'en' })
        .set(stranger.auth)
        .send({ summary: 'Not mine' }),
      403
    );
  });
});
