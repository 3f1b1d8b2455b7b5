import { spawnSync } from 'child_process';
import { factories, type TestUser } from '../helpers/factories';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server';
import { HTML, PDF, PNG } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** UPLOAD_PROVIDER=s3 against a local S3 server: files go to the bucket, come back from their URL, and leave it on delete. */
let s3: LocalS3;
let app: TestApp;
let teacher: TestUser;
let student: TestUser;
let publicUrl: string;

/** Fetches a URL outside the app (the bucket serves it, not Strapi). */
async function download(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}

beforeAll(async () => {
  s3 = await startLocalS3();
  // Another host name for the same server: proves S3_PUBLIC_URL, not the endpoint, builds the URLs.
  publicUrl = `${s3.endpoint.replace('127.0.0.1', 'localhost')}/${s3.bucket}`;
  app = await startLyceum({
    UPLOAD_PROVIDER: 's3',
    S3_BUCKET: s3.bucket,
    S3_REGION: 'us-east-1',
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    S3_PUBLIC_URL: publicUrl,
    UPLOAD_MAX_FILE_MB: '1',
  });
  const make = factories(app.strapi);
  [teacher, student] = await Promise.all([make.createUser('teacher'), make.createUser('student')]);
});
afterAll(async () => {
  await stopLyceum();
  await s3?.stop();
});

test('the upload plugin runs the aws-s3 provider from the environment', () => {
  expect(app.strapi.config.get('plugin::upload.provider')).toBe('aws-s3');
  expect(app.strapi.config.get('plugin::upload.providerOptions.s3Options')).toMatchObject({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    params: { Bucket: s3.bucket },
  });
});

test('a teacher uploads through POST /api/upload: the bytes land in the bucket and come back from the returned URL', async () => {
  const response = await app.request
    .post('/api/upload')
    .set(teacher.auth)
    .attach('files', PDF, { filename: 'syllabus.pdf', contentType: 'application/pdf' });
  expect(response.status).toBe(201);
  const [file] = response.body;
  expect(file).toMatchObject({
    provider: 'aws-s3',
    mime: 'application/pdf',
    url: expect.stringMatching(new RegExp(`^${publicUrl}/.+\\.pdf$`)),
  });
  const key = file.url.slice(publicUrl.length + 1);
  expect(s3.keys()).toContain(key);
  const served = await download(file.url);
  expect(served.status).toBe(200);
  expect(served.type).toBe('application/pdf');
  expect(served.body).toEqual(PDF);
});

test('deleting the file through the API removes it from the bucket', async () => {
  const response = await app.request
    .post('/api/upload')
    .set(teacher.auth)
    .attach('files', PDF, { filename: 'draft.pdf', contentType: 'application/pdf' });
  expect(response.status).toBe(201);
  const [file] = response.body;
  const key = file.url.slice(publicUrl.length + 1);
  expect(s3.keys()).toContain(key);
  const removal = await app.request.delete(`/api/upload/files/${file.id}`).set(teacher.auth);
  expect(removal.status).toBe(200);
  expect(s3.keys()).not.toContain(key);
  expect((await download(file.url)).status).toBe(404);
  expect(await app.strapi.db.query('plugin::upload.file').findOne({ where: { id: file.id } })).toBeNull();
});

test('an image and its generated formats go to the bucket, and deleting removes them all', async () => {
  const response = await app.request
    .post('/api/upload')
    .set(student.auth)
    .attach('files', PNG, { filename: 'avatar.png', contentType: 'image/png' });
  expect(response.status).toBe(201);
  const [file] = response.body;
  expect(file.mime).toBe('image/png');
  const served = await download(file.url);
  expect(served.status).toBe(200);
  expect(served.body.subarray(0, 8)).toEqual(PNG.subarray(0, 8));
  const before = s3.keys().length;
  expect((await app.request.delete(`/api/upload/files/${file.id}`).set(student.auth)).status).toBe(200);
  expect(s3.keys().length).toBe(before - 1 - Object.keys(file.formats ?? {}).length);
});

test('refused files never reach the bucket: dangerous content (400) and oversized files (413)', async () => {
  const before = s3.keys();
  const dangerous = await app.request
    .post('/api/upload')
    .set(student.auth)
    .attach('files', HTML, { filename: 'cover.png', contentType: 'image/png' });
  expect(dangerous.status).toBe(400);
  expect(dangerous.body.error.details.reason).toBe('dangerous_content');
  const oversized = await app.request
    .post('/api/upload')
    .set(student.auth)
    .attach('files', Buffer.alloc(1024 * 1024 + 1, 'a'), { filename: 'big.txt', contentType: 'text/plain' });
  expect(oversized.status).toBe(413);
  expect(s3.keys()).toEqual(before);
});

test('another student cannot delete a file from the bucket', async () => {
  const response = await app.request
    .post('/api/upload')
    .set(teacher.auth)
    .attach('files', PDF, { filename: 'keep.pdf', contentType: 'application/pdf' });
  const [file] = response.body;
  const removal = await app.request.delete(`/api/upload/files/${file.id}`).set(student.auth);
  expect(removal.status).toBe(403);
  expect(s3.keys()).toContain(file.url.slice(publicUrl.length + 1));
});

test("the admin panel's Content-Security-Policy lets it show images and videos from the bucket", async () => {
  // The policy is the same on every response; tests run without the admin build, so ask the API.
  const response = await app.request.get('/api/courses');
  const policy = String(response.headers['content-security-policy']);
  const directive = (name: string) =>
    policy
      .split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${name} `)) ?? '';
  for (const name of ['img-src', 'media-src']) {
    expect(directive(name)).toContain(new URL(publicUrl).origin);
    expect(directive(name)).toContain(s3.endpoint);
  }
});

test('a video in the bucket is converted; playlists come signed through the app, segments by redirect to the bucket', async () => {
  const made = spawnSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25', '-t', '0.5'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-f', 'mp4', '-movflags', 'frag_keyframe'],
    'pipe:1',
  ]);
  expect(made.status).toBe(0);
  const uploaded = await app.request
    .post('/api/upload')
    .set(teacher.auth)
    .attach('files', made.stdout, { filename: 'clip.mp4', contentType: 'video/mp4' });
  expect(uploaded.status).toBe(201);
  const assetId = uploaded.body[0].videoAsset.id;
  let asset = await app.request.get(`/api/videos/${assetId}`).set(teacher.auth);
  for (let attempt = 0; attempt < 200 && ['queued', 'processing'].includes(asset.body.data.status); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    asset = await app.request.get(`/api/videos/${assetId}`).set(teacher.auth);
  }
  expect(asset.body.data).toMatchObject({ status: 'ready', renditions: [{ height: 180 }] });
  // The outputs are objects in the bucket, under the asset's per-attempt prefix.
  expect(s3.keys().filter((key) => key.startsWith(`video_${assetId}_`)).length).toBeGreaterThanOrEqual(4);
  const posterUrl: string = asset.body.data.posterUrl;
  const signature = posterUrl.slice(posterUrl.indexOf('?'));
  const variant = await app.request.get(`/api/videos/${assetId}/hls/180p.m3u8${signature}`);
  expect(variant.status).toBe(200);
  const segmentUri = variant.text.split('\n').find((line) => line && !line.startsWith('#'))!;
  expect(segmentUri).toMatch(/\/hls\/180p_00000\.ts\?u=/);
  const redirect = await app.request.get(segmentUri).redirects(0);
  expect(redirect.status).toBe(302);
  const segment = await download(redirect.headers.location);
  expect(segment.status).toBe(200);
  expect(segment.body[0]).toBe(0x47);
  expect((await app.request.get(`/api/videos/${assetId}/hls/180p.m3u8`)).status).toBe(403);
});
