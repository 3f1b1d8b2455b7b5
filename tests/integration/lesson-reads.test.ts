import { randomBytes } from 'crypto';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { fewestStatementsOf, showStatements } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A learner's plain `GET /lessons/:documentId` (no query, or only `locale`) is read without the document service and
 * the output sanitiser (src/api/lesson/content/lesson-content.ts, publishedLessonForLearner). Any other query still
 * goes through Strapi's own findOne: `?status=published` changes nothing for a learner (they only ever read the
 * published version) and takes that stock path, so each case below compares the two answers, body and status.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let student: TestUser;
let course: TestCourse;

const LESSON = 'api::lesson.lesson';
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

const read = (lessonDocumentId: string, user: TestUser | null, query: Record<string, string> = {}) =>
  app.request
    .get(`/api/lessons/${lessonDocumentId}`)
    .query(query)
    .set(user ? user.auth : {});

/** The fast answer and the stock answer to the same request: same status, same JSON. */
async function expectSameAnswer(lessonDocumentId: string, user: TestUser | null, query: Record<string, string> = {}) {
  const fast = await read(lessonDocumentId, user, query);
  const stock = await read(lessonDocumentId, user, { ...query, status: 'published' });
  expect(fast.status).toBe(stock.status);
  expect(fast.body).toEqual(stock.body);
  return fast;
}

async function createFile(name: string, mime: string) {
  return app.strapi.db.query('plugin::upload.file').create({
    data: {
      name,
      hash: unique(name.replace(/\W/g, '_')),
      ext: name.slice(name.lastIndexOf('.')),
      mime,
      size: 12.5,
      url: `/uploads/${name}`,
      provider: 'local',
    },
  });
}

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  student = await make.createUser('student');
  course = await make.createCourse({ teacher, lessons: 4, freePreviewLessons: 1 });
  await make.enroll(student, course);

  // Lesson 2 has a video and two files (on its published row, as the admin panel's publish copies them), the files
  // in an order that is not their ids' order: the answer keeps the order staff gave them.
  const video = await createFile('intro.mp4', 'video/mp4');
  const sheet = await createFile('sheet.pdf', 'application/pdf');
  const figure = await createFile('figure.png', 'image/png');
  const published = await app.strapi.db
    .query(LESSON)
    .findOne({ where: { documentId: course.lessons[1].documentId, publishedAt: { $notNull: true } } });
  await app.strapi.db.query(LESSON).update({
    where: { id: published.id },
    data: { video: video.id, materials: [figure.id, sheet.id], videoUrl: 'https://video.example/intro' },
  });

  // Lesson 3 is translated into Russian.
  const translated = course.lessons[2].documentId;
  await app.strapi.documents(LESSON).update({
    documentId: translated,
    locale: 'ru',
    data: { title: 'Урок 3', position: 3, kind: 'text', content: 'Текст урока **3**' } as never,
  });
  await app.strapi.documents(LESSON).publish({ documentId: translated, locale: 'ru' });
});
afterAll(stopLyceum);

describe("a learner's plain lesson read answers what Strapi's findOne answers", () => {
  test('an enrolled student reading a text lesson', async () => {
    const response = await expectSameAnswer(course.lessons[0].documentId, student);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ documentId: course.lessons[0].documentId, content: 'Secret content 1' });
    expect(response.body.data).not.toHaveProperty('course');
  });

  test('a lesson with a video, a video URL and files', async () => {
    const response = await expectSameAnswer(course.lessons[1].documentId, student);
    expect(response.status).toBe(200);
    expect(response.body.data.video).toMatchObject({ name: 'intro.mp4', mime: 'video/mp4' });
    expect(response.body.data.materials.map((file: { name: string }) => file.name)).toEqual([
      'figure.png',
      'sheet.pdf',
    ]);
    expect(response.body.data.videoUrl).toBe('https://video.example/intro');
  });

  test('each locale of a translated lesson, and the default one when none is named', async () => {
    const ru = await expectSameAnswer(course.lessons[2].documentId, student, { locale: 'ru' });
    expect(ru.body.data).toMatchObject({ locale: 'ru', title: 'Урок 3' });
    const en = await expectSameAnswer(course.lessons[2].documentId, student, { locale: 'en' });
    expect(en.body.data).toMatchObject({ locale: 'en' });
    expect((await expectSameAnswer(course.lessons[2].documentId, student)).body.data.locale).toBe('en');
    // A locale the lesson has no version in: 404 both ways.
    expect((await expectSameAnswer(course.lessons[0].documentId, student, { locale: 'ru' })).status).toBe(404);
  });

  test('a visitor reading the free preview, and refused the others with the same reason', async () => {
    expect((await expectSameAnswer(course.lessons[0].documentId, null)).status).toBe(200);
    const refused = await expectSameAnswer(course.lessons[1].documentId, null);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('not_enrolled');
  });

  test('a student not enrolled, a drafted lesson and an unknown lesson', async () => {
    const stranger = await make.createUser('student');
    const refused = await expectSameAnswer(course.lessons[3].documentId, stranger);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('not_enrolled');

    const draftOnly = await app.strapi.documents(LESSON).create({
      locale: 'en',
      data: { title: 'Not yet', position: 9, kind: 'text', content: 'Draft text', course: course.documentId } as never,
    });
    expect((await expectSameAnswer(draftOnly.documentId, student)).status).toBe(404);
    expect((await expectSameAnswer('nosuchlessonnosuchlesson', student)).status).toBe(404);
  });

  test('a locked lesson of a sequential course and a lesson released later', async () => {
    const sequential = await make.createCourse({ teacher, lessons: 2, data: { sequential: true } });
    await make.enroll(student, sequential);
    const locked = await expectSameAnswer(sequential.lessons[1].documentId, student);
    expect(locked.status).toBe(403);
    expect(locked.body.error.details.reason).toBe('lesson_locked');

    const later = await make.createCourse({ teacher, lessons: 1 });
    await app.strapi.db.query(LESSON).updateMany({
      where: { documentId: later.lessons[0].documentId },
      data: { releaseAt: new Date(Date.now() + 86_400_000) },
    });
    await make.enroll(student, later);
    const notReleased = await expectSameAnswer(later.lessons[0].documentId, student);
    expect(notReleased.status).toBe(403);
    expect(notReleased.body.error.details.reason).toBe('not_released');
  });

  test('the plain read costs two statements once the course structure is known, media or none', async () => {
    // The lesson with its video and files in one statement, then the enrollment and progress in another.
    for (const lesson of [course.lessons[0].documentId, course.lessons[1].documentId]) {
      await read(lesson, student).expect(200);
      const statements = await fewestStatementsOf(
        app.strapi,
        () => read(lesson, student).expect(200),
        (sql) => !/lyceum_jobs/.test(sql)
      );
      showStatements(app.strapi, 'lesson read', statements);
      expect(statements.length).toBeLessThanOrEqual(2);
    }
  });
});
