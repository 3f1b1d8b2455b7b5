import { createAdminUser } from '../helpers/admin-users';
import {
  describeInBrowser,
  logInToAdmin,
  openBrowser,
  screenshot,
  withFailureScreenshot,
  type BrowserSession,
} from '../helpers/browser';
import { factories, type TestCourse } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** A Teacher admin user, through the real admin panel, sees the courses they teach and no one else's. */
describeInBrowser('Teacher in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let mine: TestCourse;
  let theirs: TestCourse;
  let teacherEmail: string;
  let password: string;

  beforeAll(async () => {
    app = await startLyceum();
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    const otherTeacher = await make.createUser('teacher');
    mine = await make.createCourse({ teacher, lessons: 1 });
    theirs = await make.createCourse({ teacher: otherTeacher, lessons: 1 });
    // The admin account and the course's teacher (a users-permissions user) share only their email.
    ({ email: teacherEmail, password } = await createAdminUser(app.strapi, 'Teacher', teacher.email));
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
  });

  test('logs in through the form and lists only the course they teach', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'teacher-course-list', async () => {
      await logInToAdmin(page, app.baseUrl, teacherEmail, password);

      await page.goto(
        `${app.baseUrl}/admin/content-manager/collection-types/api::course.course?page=1&pageSize=10&plugins[i18n][locale]=en`
      );
      const rows = page.getByRole('row');
      const myRow = rows.filter({ hasText: mine.title });
      await myRow.waitFor({ state: 'visible' });
      // Both rows would come from the same list response: once one is drawn, an absent other is really absent.
      expect(await rows.filter({ hasText: theirs.title }).count()).toBe(0);
      await page.getByText('1 entry found').waitFor({ state: 'visible' });
      expect(await page.getByText(theirs.title).count()).toBe(0);
      await screenshot(page, 'teacher-course-list');
      // Every plugin's part of the content manager works for a Teacher (the REST cache's once threw here).
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
