import { randomBytes } from 'crypto';
import { createAdminUser, type TestAdminUser } from '../helpers/admin-users';
import {
  describeInBrowser,
  logInToAdmin,
  openBrowser,
  screenshot,
  withFailureScreenshot,
  type BrowserSession,
} from '../helpers/browser';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A Teacher grades through the admin panel's Grading queue (the grading plugin's admin page): the queue holds work
 * from their courses only, the grade is posted from the submission page, and the student reads it through the API.
 */
describeInBrowser('Grading queue in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let teacherAdmin: TestAdminUser;
  let student: TestUser;
  let mine: { documentId: string; title: string };
  let theirs: { documentId: string; title: string };

  const createAssignment = async (course: TestCourse) => {
    const title = `Essay ${randomBytes(3).toString('hex')}`;
    const assignment = await app.strapi.documents('api::assignment.assignment').create({
      data: { title, instructions: 'Write it', maxPoints: 10, course: course.documentId } as any,
    });
    await app.strapi.documents('api::assignment.assignment').publish({ documentId: assignment.documentId });
    return { documentId: assignment.documentId as string, title };
  };
  const handIn = async (assignment: { documentId: string }, text: string) => {
    const response = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .send({ text });
    expect(response.status).toBe(201);
  };
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  beforeAll(async () => {
    app = await startLyceum();
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    const otherTeacher = await make.createUser('teacher');
    const myCourse = await make.createCourse({ teacher, lessons: 1 });
    const theirCourse = await make.createCourse({ teacher: otherTeacher, lessons: 1 });
    [mine, theirs] = [await createAssignment(myCourse), await createAssignment(theirCourse)];
    student = await make.createUser('student');
    await make.enroll(student, myCourse);
    await make.enroll(student, theirCourse);
    await handIn(mine, 'My essay on the causes of the war.');
    await handIn(theirs, 'An essay another teacher grades.');
    teacherAdmin = await createAdminUser(app.strapi, 'Teacher', teacher.email);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
  });

  test('lists only work from their courses, grades it with feedback, and the student sees the grade', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'grading-queue', async () => {
      await logInToAdmin(page, app.baseUrl, teacherAdmin.email, teacherAdmin.password);

      await page.getByRole('link', { name: 'Grading queue' }).click();
      // The home page just left lists recently edited entries, this assignment among them: read rows once the queue is up.
      await page.getByRole('heading', { name: 'Grading queue', level: 1 }).waitFor({ state: 'visible' });
      const rows = page.getByRole('row');
      const myRow = rows.filter({ hasText: mine.title });
      await myRow.waitFor({ state: 'visible' });
      // The other course's submission would arrive in the same queue response: absent now means absent.
      expect(await rows.filter({ hasText: theirs.title }).count()).toBe(0);
      expect(await myRow.textContent()).toContain(student.email);
      await screenshot(page, 'grading-queue');

      await myRow
        .getByRole('link', { name: new RegExp(`^Open the submission of .+ for ${escape(mine.title)}$`) })
        .click();
      await page.getByRole('heading', { name: mine.title }).waitFor({ state: 'visible' });
      await page.getByText('My essay on the causes of the war.').waitFor({ state: 'visible' });
      await page.getByLabel('Grade', { exact: true }).fill('8.5');
      await page.getByLabel('Feedback').fill('Clear argument; cite your sources.');
      await screenshot(page, 'grading-submission');
      await page.getByRole('button', { name: 'Grade', exact: true }).click();

      await page.getByRole('status').filter({ hasText: 'Grade posted' }).waitFor({ state: 'visible' });
      // Back on the queue, the graded work has left it.
      await page.getByText('Nothing to grade: every submission is graded').waitFor({ state: 'visible' });
      await screenshot(page, 'grading-queue-after');

      const seen = await app.request.get(`/api/assignments/${mine.documentId}/submissions`).set(student.auth);
      expect(seen.status).toBe(200);
      expect(seen.body.data).toEqual([
        expect.objectContaining({
          grade: 8.5,
          finalGrade: 8.5,
          feedback: 'Clear argument; cite your sources.',
          status: 'graded',
        }),
      ]);
      const untouched = await app.request.get(`/api/assignments/${theirs.documentId}/submissions`).set(student.auth);
      expect(untouched.body.data).toEqual([expect.objectContaining({ grade: null, status: 'submitted' })]);
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
