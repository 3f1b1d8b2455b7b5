import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
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
import { MP4 } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';
import { assetsTable } from '../../src/media/assets';

/**
 * The lesson edit view's "Lesson video" panel (src/plugins/media): a Teacher opens a lesson of their course in the
 * content manager and sees its video's conversion status, duration and poster; on a lesson whose video failed to
 * convert they read the reason and retry the conversion.
 */
describeInBrowser('Lesson video panel in the admin panel', () => {
  let app: TestApp;
  let browser: BrowserSession;
  let teacher: TestUser;
  let teacherAdmin: TestAdminUser;
  let course: TestCourse;
  let workDir: string;
  const assetIds: string[] = [];
  const storedUrls: string[] = [];

  /** Uploads a video as the teacher, attaches it to the lesson's draft and waits for its conversion to settle. */
  async function lessonWithVideo(lessonDocumentId: string, content: Buffer, filename: string) {
    const uploaded = await app.request
      .post('/api/upload')
      .set(teacher.auth)
      .attach('files', content, { filename, contentType: 'video/mp4' });
    expect(uploaded.status).toBe(201);
    const file = uploaded.body[0];
    assetIds.push(file.videoAsset.id);
    storedUrls.push(file.url);
    await app.strapi.documents('api::lesson.lesson').update({
      documentId: lessonDocumentId,
      locale: 'en',
      data: { kind: 'video', video: file.id } as any,
    });
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const asset = await app.request.get(`/api/videos/${file.videoAsset.id}`).set(teacher.auth);
      if (['ready', 'failed'].includes(asset.body.data?.status)) return file;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`the video of lesson ${lessonDocumentId} never settled`);
  }

  const openLesson = (lessonDocumentId: string) =>
    browser.page.goto(
      `${app.baseUrl}/admin/content-manager/collection-types/api::lesson.lesson/${lessonDocumentId}?plugins[i18n][locale]=en`
    );

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-lesson-video-e2e-'));
    const clipPath = path.join(workDir, 'clip.mp4');
    // Two seconds of test pattern at 640×360: one 360p rendition and a poster.
    const made = spawnSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25'],
      ...['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clipPath],
    ]);
    if (made.status !== 0) throw new Error('ffmpeg could not make the test clip (is the ffmpeg package installed?)');
    app = await startLyceum();
    const make = factories(app.strapi);
    teacher = await make.createUser('teacher');
    course = await make.createCourse({ teacher, lessons: 2 });
    await lessonWithVideo(course.lessons[0].documentId, fs.readFileSync(clipPath), 'welcome.mp4');
    await lessonWithVideo(course.lessons[1].documentId, MP4, 'broken.mp4');
    teacherAdmin = await createAdminUser(app.strapi, 'Teacher', teacher.email);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLyceum();
    const uploads = path.join(process.cwd(), 'public', 'uploads');
    for (const url of storedUrls) fs.rmSync(path.join(process.cwd(), 'public', url), { force: true });
    for (const name of fs.readdirSync(uploads))
      if (assetIds.some((id) => name.startsWith(`video_${id}_`))) fs.rmSync(path.join(uploads, name), { force: true });
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('a converted video: its status, duration, rendition and poster are on the lesson edit view', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'lesson-video-ready', async () => {
      await logInToAdmin(page, app.baseUrl, teacherAdmin.email, teacherAdmin.password);
      await openLesson(course.lessons[0].documentId);
      const panel = page.getByRole('group', { name: 'Lesson video' });
      await panel.waitFor({ state: 'visible' });
      await panel.getByText('Ready', { exact: true }).waitFor({ state: 'visible' });
      await panel.getByText('Duration: 0:02').waitFor({ state: 'visible' });
      await panel.getByText('Renditions: 360p').waitFor({ state: 'visible' });
      const poster = panel.getByRole('img', { name: 'Poster of the lesson video' });
      await poster.waitFor({ state: 'visible' });
      // The poster really loaded through its signed URL (a refused one leaves a broken image of width 0).
      await page.waitForFunction(
        (image: any) => Boolean(image?.complete && image.naturalWidth > 0),
        await poster.elementHandle()
      );
      expect(await poster.getAttribute('src')).toMatch(/^\/api\/videos\/[a-z0-9]+\/hls\/poster\.jpg\?u=\d+&e=\d+&s=/);
      expect(await panel.getByRole('button', { name: 'Retry conversion' }).count()).toBe(0);
      await screenshot(page, 'lesson-video-ready');
      expect(browser.pageErrors).toEqual([]);
    });
  });

  test('a failed conversion: the reason is shown and "Retry conversion" queues it again', async () => {
    const { page } = browser;
    await withFailureScreenshot(page, 'lesson-video-failed', async () => {
      await openLesson(course.lessons[1].documentId);
      const panel = page.getByRole('group', { name: 'Lesson video' });
      await panel.getByText('Failed', { exact: true }).waitFor({ state: 'visible' });
      await panel.getByText(/^Not a usable video: /).waitFor({ state: 'visible' });
      await screenshot(page, 'lesson-video-failed');

      const lessonPath = `/media/lessons/${course.lessons[1].documentId}/video/retry`;
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url().includes(lessonPath)),
        panel.getByRole('button', { name: 'Retry conversion' }).click(),
      ]);
      expect(answer.status()).toBe(200);
      expect((await answer.json()).data.asset.status).toBe('queued');
      // Queued again as a new generation with its job; the same corrupt file then fails again, and the panel,
      // asking again while the conversion is pending, shows it failed once more.
      const [row] = await app.strapi.db
        .connection(assetsTable(app.strapi))
        .where('public_id', assetIds[1])
        .select('generation');
      expect(Number(row.generation)).toBe(2);
      await panel.getByText('Failed', { exact: true }).waitFor({ state: 'visible' });
      await panel.getByRole('button', { name: 'Retry conversion' }).waitFor({ state: 'visible' });
      expect(browser.pageErrors).toEqual([]);
    });
  });
});
