import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { adminSession, expectStatus } from '../helpers/admin-users';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { MP4, TEXT } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';
import { signAsset, signatureQuery } from '../../src/media/signing';

/**
 * Video (contract "Media"): an asset per uploaded video, converted by a job with the system ffmpeg to HLS, played
 * through signed, expiring URLs under the lesson's rules, with range requests; corrupt files end failed.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let student: TestUser;
let otherStudent: TestUser;
let admin: TestUser;
let course: TestCourse;
let clip: Buffer;
let workDir: string;
const assetIds: string[] = [];

const FILE = 'plugin::upload.file';

interface UploadedVideo {
  id: number;
  url: string;
  mime: string;
  videoAsset: { id: string; status: string };
}

function upload(user: TestUser, content: Buffer, filename: string, contentType: string) {
  return app.request.post('/api/upload').set(user.auth).attach('files', content, { filename, contentType });
}

async function uploadVideo(user: TestUser, content: Buffer, filename = 'lecture.mp4'): Promise<UploadedVideo> {
  const response = await upload(user, content, filename, 'video/mp4');
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  assetIds.push(response.body[0].videoAsset?.id);
  return response.body[0];
}

const binary = (response: any, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Waits for the conversion job to settle the asset (the runner polls every second; the clip is tiny). */
async function settled(user: TestUser, assetId: string) {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const response = await app.request.get(`/api/videos/${assetId}`).set(user.auth);
    if (response.status !== 200) throw new Error(`asset read failed: ${response.status}`);
    if (['ready', 'failed'].includes(response.body.data.status)) return response.body.data;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`asset ${assetId} never settled`);
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-media-test-'));
  const clipPath = path.join(workDir, 'clip.mp4');
  // Two seconds of test pattern and a tone at 640×360: converts to one 360p rendition in well under a second.
  const made = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=44100',
      '-t',
      '2',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      clipPath,
    ],
    { stdio: 'inherit' }
  );
  if (made.status !== 0) throw new Error('ffmpeg could not make the test clip (is the ffmpeg package installed?)');
  clip = fs.readFileSync(clipPath);
  app = await startLyceum();
  make = factories(app.strapi);
  [teacher, student, otherStudent, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher, lessons: 2 });
});

afterAll(async () => {
  const files: Array<{ url: string }> = await app.strapi.db.query(FILE).findMany({});
  for (const file of files) fs.rmSync(path.join(process.cwd(), 'public', file.url), { force: true });
  // The converted outputs of this file's assets.
  await stopLyceum();
  const uploads = path.join(process.cwd(), 'public', 'uploads');
  for (const name of fs.readdirSync(uploads))
    if (assetIds.some((id) => name.startsWith(`video_${id}_`))) fs.rmSync(path.join(uploads, name), { force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('video assets and conversion', () => {
  let video: UploadedVideo;
  let asset: any;

  beforeAll(async () => {
    video = await uploadVideo(teacher, clip);
    asset = await settled(teacher, video.videoAsset.id);
  });

  test('an uploaded video gets a queued asset, named in the upload answer', () => {
    expect(video.mime).toBe('video/mp4');
    // The job may already have claimed it by the time the answer is written.
    expect(video.videoAsset).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{10,64}$/),
      status: expect.stringMatching(/^(queued|processing|ready)$/),
    });
  });

  test('the conversion job makes it ready: duration, one 360p rendition for a 360p source, a signed poster', async () => {
    expect(asset).toMatchObject({ id: video.videoAsset.id, status: 'ready' });
    expect(asset.durationSeconds).toBeGreaterThan(1.5);
    expect(asset.durationSeconds).toBeLessThan(2.5);
    expect(asset.renditions).toEqual([{ height: 360, bandwidth: expect.any(Number) }]);
    expect(asset.renditions[0].bandwidth).toBeGreaterThan(10_000);
    expect(asset).not.toHaveProperty('error');
    const poster = await app.request.get(asset.posterUrl).buffer(true).parse(binary);
    expect(poster.status).toBe(200);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    expect(poster.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  test('the asset is its uploader’s and admins’: another student gets 403, an unknown id 404', async () => {
    expect((await app.request.get(`/api/videos/${video.videoAsset.id}`).set(admin.auth)).status).toBe(200);
    const other = await app.request.get(`/api/videos/${video.videoAsset.id}`).set(otherStudent.auth);
    expect(other.status).toBe(403);
    expect(other.body.error.details.reason).toBe('not_video_owner');
    expect((await app.request.get('/api/videos/zzzzzzzzzzzzzzzzzzzzzzzz').set(teacher.auth)).status).toBe(404);
    expect((await app.request.get(`/api/videos/${video.videoAsset.id}`)).status).toBe(401);
  });

  test('a 1080p source gets 360p, 720p and 1080p renditions in its master playlist', async () => {
    const bigPath = path.join(workDir, 'big.mp4');
    const made = spawnSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=1920x1080:rate=25',
      '-t',
      '0.5',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      bigPath,
    ]);
    expect(made.status).toBe(0);
    const big = await uploadVideo(teacher, fs.readFileSync(bigPath), 'big.mp4');
    const done = await settled(teacher, big.videoAsset.id);
    expect(done.status).toBe('ready');
    expect(done.renditions.map((rendition: { height: number }) => rendition.height)).toEqual([360, 720, 1080]);
  });
});

describe('bad input', () => {
  test('text named and sent as a video is refused by its content: 400 file_type_not_allowed, nothing stored', async () => {
    const before = await app.strapi.db.query(FILE).count({});
    const response = await upload(teacher, TEXT, 'lecture.mp4', 'video/mp4');
    expect(response.status).toBe(400);
    expect(response.body.error.details.reason).toBe('file_type_not_allowed');
    expect(response.body.error.message).toMatch(/not a video by its content/);
    expect(await app.strapi.db.query(FILE).count({})).toBe(before);
  });

  test('a corrupt video ends failed with a readable reason, and the app keeps serving', async () => {
    const corrupt = await uploadVideo(teacher, MP4, 'broken.mp4');
    const done = await settled(teacher, corrupt.videoAsset.id);
    expect(done).toMatchObject({ status: 'failed', posterUrl: null, renditions: [] });
    expect(done.error).toMatch(/^Not a usable video: /);
    expect(done.error).not.toMatch(/\/tmp|lyceum-video-/);
    expect((await app.request.get('/_health')).status).toBeLessThan(300);
  });

  test('a failed conversion can be retried by its uploader and fails again the same way', async () => {
    const corrupt = await uploadVideo(teacher, MP4, 'broken-again.mp4');
    await settled(teacher, corrupt.videoAsset.id);
    const other = await app.request.post(`/api/videos/${corrupt.videoAsset.id}/retry`).set(otherStudent.auth);
    expect(other.status).toBe(403);
    const retried = await app.request.post(`/api/videos/${corrupt.videoAsset.id}/retry`).set(teacher.auth);
    expect(retried.status).toBe(200);
    expect(retried.body.data.status).toBe('queued');
    expect((await settled(teacher, corrupt.videoAsset.id)).status).toBe('failed');
  });
});

describe('lesson playback', () => {
  let lessonId: string;
  let assetId: string;
  let originalUrl: string;

  beforeAll(async () => {
    const video = await uploadVideo(teacher, clip, 'lesson.mp4');
    assetId = video.videoAsset.id;
    originalUrl = video.url;
    lessonId = course.lessons[1].documentId;
    await app.strapi.documents('api::lesson.lesson').update({
      documentId: lessonId,
      locale: 'en',
      data: { kind: 'video', video: video.id } as any,
    });
    await app.strapi.documents('api::lesson.lesson').publish({ documentId: lessonId });
    await settled(teacher, assetId);
  });

  test('refused exactly as reading the lesson is: a student not enrolled gets the same 403 reason', async () => {
    const lesson = await app.request.get(`/api/lessons/${lessonId}`).set(otherStudent.auth);
    const playback = await app.request.get(`/api/lessons/${lessonId}/playback`).set(otherStudent.auth);
    expect(lesson.status).toBe(403);
    expect(playback.status).toBe(403);
    expect(playback.body.error.details.reason).toBe(lesson.body.error.details.reason);
    const visitor = await app.request.get(`/api/lessons/${lessonId}/playback`);
    expect(visitor.status).toBe(403);
    expect((await app.request.get('/api/lessons/nosuchlesson000000000000/playback').set(student.auth)).status).toBe(
      404
    );
  });

  test('an enrolled student gets a signed HLS URL, the poster, the duration and the saved position', async () => {
    await make.enroll(student, course);
    const first = await app.request.get(`/api/lessons/${lessonId}/playback`).set(student.auth);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({
      status: 'ready',
      hlsUrl: expect.stringMatching(
        new RegExp(`^/api/videos/${assetId}/hls/master\\.m3u8\\?u=${student.id}&e=\\d+&s=`)
      ),
      posterUrl: expect.stringContaining('/poster.jpg?'),
      positionSeconds: 0,
    });
    const expiry = Number(new URL(first.body.data.hlsUrl, 'http://x').searchParams.get('e'));
    expect(expiry * 1000).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(expiry * 1000).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
    const saved = await app.request
      .put(`/api/lessons/${lessonId}/position`)
      .set(student.auth)
      .send({ positionSeconds: 1 });
    expect(saved.status).toBe(200);
    const again = await app.request.get(`/api/lessons/${lessonId}/playback`).set(student.auth);
    expect(again.body.data.positionSeconds).toBe(1);
  });

  test('playlists carry signed URIs; segments are served whole and by range (206, Content-Range)', async () => {
    const { body } = await app.request.get(`/api/lessons/${lessonId}/playback`).set(teacher.auth);
    const master = await app.request.get(body.data.hlsUrl).buffer(true);
    expect(master.status).toBe(200);
    expect(master.headers['content-type']).toMatch(/mpegurl/);
    const variantUri = master.text.split('\n').find((line) => line && !line.startsWith('#'))!;
    expect(variantUri).toMatch(new RegExp(`^/api/videos/${assetId}/hls/360p\\.m3u8\\?u=${teacher.id}&e=\\d+&s=`));
    const variant = await app.request.get(variantUri).buffer(true);
    expect(variant.status).toBe(200);
    expect(variant.text).toContain('#EXT-X-TARGETDURATION');
    const segmentUri = variant.text.split('\n').find((line) => line && !line.startsWith('#'))!;
    expect(segmentUri).toMatch(/\/hls\/360p_00000\.ts\?u=/);
    const segment = await app.request.get(segmentUri).buffer(true).parse(binary);
    expect(segment.status).toBe(200);
    expect(segment.headers['content-type']).toBe('video/mp2t');
    expect(segment.body[0]).toBe(0x47); // MPEG-TS sync byte
    const part = await app.request.get(segmentUri).set('Range', 'bytes=188-375').buffer(true).parse(binary);
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 188-375/${segment.body.length}`);
    expect(part.body).toEqual(segment.body.subarray(188, 376));
    const beyond = await app.request.get(segmentUri).set('Range', `bytes=${segment.body.length}-`);
    expect(beyond.status).toBe(416);
  });

  test('the original file is served by range too', async () => {
    const part = await app.request.get(originalUrl).set('Range', 'bytes=0-99').buffer(true).parse(binary);
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-99/${clip.length}`);
    expect(part.body).toEqual(clip.subarray(0, 100));
  });

  test('missing, tampered and expired signatures are refused with 403; names outside the output are not served', async () => {
    const { body } = await app.request.get(`/api/lessons/${lessonId}/playback`).set(student.auth);
    const url = new URL(body.data.hlsUrl, 'http://x');
    const unsigned = await app.request.get(url.pathname);
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.error.details.reason).toBe('invalid_signature');
    const tampered = new URL(url);
    tampered.searchParams.set('u', String(otherStudent.id));
    expect((await app.request.get(`${tampered.pathname}${tampered.search}`)).status).toBe(403);
    const otherAsset = body.data.hlsUrl.replace(assetId, 'a'.repeat(24));
    expect((await app.request.get(otherAsset)).status).toBe(403);
    const expired = signAsset(assetId, student.id, Date.now() - 2 * 3600_000);
    const late = await app.request.get(`${url.pathname}?${signatureQuery(expired)}`);
    expect(late.status).toBe(403);
    const signed = `?${signatureQuery(signAsset(assetId, student.id))}`;
    for (const name of ['..%2F..%2Fpackage.json', '%2E%2E%2Fconfig', 'master.m3u8.bak', '..']) {
      const response = await app.request.get(`/api/videos/${assetId}/hls/${name}${signed}`);
      expect([400, 404]).toContain(response.status);
    }
    expect((await app.request.get(`/api/videos/${assetId}/hls/master.m3u8${signed}`)).status).toBe(200);
  });

  test('readiness says video conversion works here', async () => {
    const ready = await app.request.get('/_ready');
    expect(ready.body.video).toBe('ok');
  });
});

describe('the lesson edit view’s video panel (admin routes under /media)', () => {
  let readyLessonId: string;
  let failedCourse: TestCourse;
  let failedAssetId: string;

  beforeAll(async () => {
    readyLessonId = course.lessons[1].documentId;
    failedCourse = await make.createCourse({ teacher, lessons: 2 });
    const corrupt = await uploadVideo(teacher, MP4, 'panel-broken.mp4');
    failedAssetId = corrupt.videoAsset.id;
    await app.strapi.documents('api::lesson.lesson').update({
      documentId: failedCourse.lessons[0].documentId,
      locale: 'en',
      data: { kind: 'video', video: corrupt.id } as any,
    });
    await settled(teacher, failedAssetId);
  });

  const panel = (lessonId: string, auth: Record<string, string>, query = '') =>
    app.request.get(`/media/lessons/${lessonId}/video${query}`).set(auth);

  test('the course’s Teacher and a Super Admin see the status, duration, renditions and a signed poster', async () => {
    const teacherAdmin = await adminSession(app, 'Teacher', teacher.email);
    const superAdmin = await adminSession(app, 'Super Admin');
    for (const session of [teacherAdmin, superAdmin]) {
      const response = await panel(readyLessonId, session.auth, '?locale=en');
      expectStatus(response, 200);
      expect(response.body.data).toMatchObject({
        video: { id: expect.any(Number), name: 'lesson.mp4', mime: 'video/mp4' },
        asset: { status: 'ready', renditions: [{ height: 360 }], posterUrl: expect.stringContaining('/poster.jpg?u=') },
      });
      expect(response.body.data.asset.durationSeconds).toBeGreaterThan(1.5);
      const poster = await app.request.get(response.body.data.asset.posterUrl);
      expect(poster.status).toBe(200);
      expect(poster.headers['content-type']).toBe('image/jpeg');
    }
    const noVideo = await panel(course.lessons[0].documentId, teacherAdmin.auth);
    expectStatus(noVideo, 200);
    expect(noVideo.body.data).toEqual({ video: null, asset: null });
  });

  test('a failed conversion shows its reason and is queued again by Retry; a ready one is left as it is', async () => {
    const teacherAdmin = await adminSession(app, 'Teacher', teacher.email);
    const failedLesson = failedCourse.lessons[0].documentId;
    const shown = await panel(failedLesson, teacherAdmin.auth);
    expect(shown.body.data.asset).toMatchObject({
      id: failedAssetId,
      status: 'failed',
      error: expect.stringMatching(/^Not a usable video/),
    });
    const retried = await app.request
      .post(`/media/lessons/${failedLesson}/video/retry`)
      .set(teacherAdmin.auth)
      .send({});
    expectStatus(retried, 200);
    expect(retried.body.data.asset.status).toBe('queued');
    expect((await settled(teacher, failedAssetId)).status).toBe('failed');
    const ready = await app.request.post(`/media/lessons/${readyLessonId}/video/retry`).set(teacherAdmin.auth).send({});
    expectStatus(ready, 200);
    expect(ready.body.data.asset.status).toBe('ready');
    const none = await app.request
      .post(`/media/lessons/${failedCourse.lessons[1].documentId}/video/retry`)
      .set(teacherAdmin.auth)
      .send({});
    expect(none.status).toBe(404);
    expect(none.body.error.details.reason).toBe('no_video');
  });

  test('another course’s Teacher gets 403 not_course_owner, a Marketer 403, no admin token 401; bad input 4xx', async () => {
    const otherTeacher = await make.createUser('teacher');
    const otherTeacherAdmin = await adminSession(app, 'Teacher', otherTeacher.email);
    const refused = await panel(readyLessonId, otherTeacherAdmin.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('not_course_owner');
    const retry = await app.request
      .post(`/media/lessons/${readyLessonId}/video/retry`)
      .set(otherTeacherAdmin.auth)
      .send({});
    expect(retry.status).toBe(403);
    const marketer = await adminSession(app, 'Marketer');
    expect((await panel(readyLessonId, marketer.auth)).status).toBe(403);
    expect((await app.request.get(`/media/lessons/${readyLessonId}/video`)).status).toBe(401);
    // An API (users-permissions) token is not an admin token.
    expect((await panel(readyLessonId, teacher.auth)).status).toBe(401);
    const superAdmin = await adminSession(app, 'Super Admin');
    expect((await panel('nosuchlesson000000000000', superAdmin.auth)).status).toBe(404);
    expect((await panel(readyLessonId, superAdmin.auth, '?locale=../x')).status).toBe(400);
    expect((await panel('bad$id', superAdmin.auth)).status).toBe(400);
    const extra = await app.request
      .post(`/media/lessons/${readyLessonId}/video/retry`)
      .set(superAdmin.auth)
      .send({ force: true });
    expect(extra.status).toBe(400);
  });
});
