import { createAdminUser, type TestAdminUser } from '../helpers/admin-users';
import {
  describeInBrowser,
  logInToAdmin,
  openBrowser,
  screenshot,
  withFailureScreenshot,
  type BrowserSession,
} from '../helpers/browser';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A Teacher grades one submission by rubric from the Grading queue: one click per criterion picks a level, the
 * page shows the sum, and the student reads the grade and the chosen levels through the API.
 */
describeInBrowser('Grading by rubric in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let teacherAdmin: TestAdminUser;
  let student: TestUser;
  let essay: { documentId: string; title: string };

  beforeAll(async () => {
    app = await startLyceum();
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const assignment = await app.strapi.documents('api::assignment.assignment').create({
      data: {
        title: 'Rubric essay',
        instructions: 'Argue a case',
        maxPoints: 10,
        course: course.documentId,
        rubric: [
          {
            criterion: 'Argument',
            levels: [
              { label: 'Weak', points: 1 },
              { label: 'Sound', points: 3 },
              { label: 'Compelling', points: 6 },
            ],
          },
          {
            criterion: 'Style',
            levels: [
              { label: 'Rough', points: 0 },
              { label: 'Clear', points: 4 },
            ],
          },
        ],
      } as any,
    });
    await app.strapi.documents('api::assignment.assignment').publish({ documentId: assignment.documentId });
    essay = { documentId: assignment.documentId, title: 'Rubric essay' };
    student = await make.createUser('student');
    await make.enroll(student, course);
    const handedIn = await app.request
      .post(`/api/assignments/${essay.documentId}/submissions`)
      .set(student.auth)
      .send({ text: 'The case for rubrics.' });
    expect(handedIn.status).toBe(201);
    teacherAdmin = await createAdminUser(app.strapi, 'Teacher', teacher.email);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
  });

  test('grades by clicking one level per criterion, and the student sees the levels', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'rubric-grading', async () => {
      await logInToAdmin(page, app.baseUrl, teacherAdmin.email, teacherAdmin.password);
      await page.getByRole('link', { name: 'Grading queue' }).click();
      await page.getByRole('heading', { name: 'Grading queue', level: 1 }).waitFor({ state: 'visible' });
      const row = page.getByRole('row').filter({ hasText: essay.title });
      await row.waitFor({ state: 'visible' });
      await row.getByRole('link', { name: /^Open the submission of .+ for Rubric essay$/ }).click();
      await page.getByText('The case for rubrics.').waitFor({ state: 'visible' });

      await page
        .getByRole('radiogroup', { name: 'Argument' })
        .getByRole('radio', { name: 'Compelling (6 pts)' })
        .click();
      await page.getByRole('radiogroup', { name: 'Style' }).getByRole('radio', { name: 'Clear (4 pts)' }).click();
      await page.getByText('Rubric grade: 10 / 10').waitFor({ state: 'visible' });
      await page.getByLabel('Feedback').fill('Convincing and clear.');
      await screenshot(page, 'rubric-grading');
      await page.getByRole('button', { name: 'Grade', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Grade posted' }).waitFor({ state: 'visible' });

      const seen = await app.request.get(`/api/assignments/${essay.documentId}/submissions`).set(student.auth);
      expect(seen.status).toBe(200);
      expect(seen.body.data).toEqual([
        expect.objectContaining({
          grade: 10,
          finalGrade: 10,
          status: 'graded',
          feedback: 'Convincing and clear.',
          rubric: [
            { criterion: 'Argument', level: 'Compelling', points: 6 },
            { criterion: 'Style', level: 'Clear', points: 4 },
          ],
        }),
      ]);
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
