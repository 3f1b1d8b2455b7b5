import path from 'path';
import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The plugins share one core (src/access, src/database…) compiled once with the app, so its module state exists once
 * in the process: the modules the test loads from dist/ are the very ones every plugin uses.
 */
let app: TestApp;
const core = (file: string) => require(path.join(process.cwd(), 'dist', 'src', 'access', file));

beforeAll(async () => {
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
});
afterAll(stopLyceum);

test('every plugin remembers course structure in one cache, watched by one lifecycle subscription', async () => {
  const make = factories(app.strapi);
  const teacher = await make.createUser('teacher');
  const student = await make.createUser('student');
  const course = await make.createCourse({ teacher, lessons: 1 });
  expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(201);
  const completed = await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
  expect(completed.status).toBe(200);

  const keys: string[] = core('course-structure-cache.js').rememberedCourseStructureKeys();
  // Written by the certificates plugin (issuing on completion) and read here through the app's copy of the module.
  expect(keys).toContain(`certificate-course:${course.documentId}`);
  const subscriptions: readonly string[] = core('forget-on-writes.js').writeSubscriptions();
  const structureTypes = 'api::course.course,api::lesson.lesson,api::quiz.quiz,api::question-bank.question-bank';
  expect(subscriptions.filter((models) => models === structureTypes)).toEqual([structureTypes]);
});
