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
