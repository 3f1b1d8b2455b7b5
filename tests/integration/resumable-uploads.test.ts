import { spawnSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { PDF, TEXT } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';
import { enqueue } from '../../src/jobs';
import { expireResumableUploadsJob, resumableDirectory } from '../../src/uploads/resumable';

/**
 * Resumable uploads (tus 1.0) at /api/uploads/resumable: signed in, the creator's own, resumed from the offset after an
 * interruption, judged by content and size like POST /upload (videos up to VIDEO_MAX_FILE_MB, above
 * UPLOAD_MAX_FILE_MB), abandoned ones deleted by a scheduled job.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let other: TestUser;
let clip: Buffer;
let workDir: string;
const storedUrls: string[] = [];
const assetIds: string[] = [];
const createdIds: string[] = [];

const BASE = '/api/uploads/resumable';
const MB = 1024 * 1024;
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function create(user: TestUser | null, length: number, filename = 'lecture.mp4', filetype = 'video/mp4') {
  let request = app.request
    .post(BASE)
    .set('Tus-Resumable', '1.0.0')
    .set('Upload-Length', String(length))
    .set('Upload-Metadata', `filename ${b64(filename)},filetype ${b64(filetype)}`);
  if (user) request = request.set(user.auth);
  const response = await request;
  if (response.headers.location) createdIds.push(uploadPath(response.headers.location).split('/').pop()!);
  return response;
}

const uploadPath = (location: string) => new URL(location, 'http://x').pathname;

function patch(user: TestUser, location: string, offset: number, chunk: Buffer) {
  return app.request
    .patch(uploadPath(location))
    .set(user.auth)
    .set('Tus-Resumable', '1.0.0')
    .set('Upload-Offset', String(offset))
    .set('Content-Type', 'application/offset+octet-stream')
    .send(chunk);
}

const head = (user: TestUser, location: string) =>
  app.request.head(uploadPath(location)).set(user.auth).set('Tus-Resumable', '1.0.0');

/** Sends `part` of a PATCH declared as `declared` bytes, then cuts the connection (a dropped network). */
function interruptedPatch(user: TestUser, location: string, part: Buffer, declared: number): Promise<void> {
  const { port } = new URL(app.baseUrl);
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'PATCH',
      path: uploadPath(location),
      headers: {
        ...user.auth,
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(declared),
      },
    });
    request.on('error', () => resolve());
    request.on('close', () => resolve());
    request.write(part, () => setImmediate(() => request.destroy()));
  });
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-tus-test-'));
  const clipPath = path.join(workDir, 'clip.mp4');
  const made = spawnSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25'],
    ...['-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clipPath],
  ]);
  if (made.status !== 0) throw new Error('ffmpeg could not make the test clip');
  clip = fs.readFileSync(clipPath);
  app = await startLyceum({ UPLOAD_MAX_FILE_MB: '1', VIDEO_MAX_FILE_MB: '3' });
  make = factories(app.strapi);
  [owner, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
});

afterAll(async () => {
  for (const url of storedUrls) fs.rmSync(path.join(process.cwd(), 'public', url), { force: true });
  // Unfinished uploads this file left (the fresh one of the clean-up test).
  for (const id of createdIds)
    for (const name of [id, `${id}.json`]) fs.rmSync(path.join(resumableDirectory(app.strapi), name), { force: true });
  await stopLyceum();
  // Conversions of the stored videos wrote their outputs beside them (the stop waited for the jobs running).
  const uploads = path.join(process.cwd(), 'public', 'uploads');
  for (const name of fs.readdirSync(uploads))
    if (assetIds.some((id) => name.startsWith(`video_${id}_`))) fs.rmSync(path.join(uploads, name), { force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('resumable uploads (tus 1.0)', () => {
  test('a visitor is refused (401)', async () => {
    expect((await create(null, clip.length)).status).toBe(401);
  });

  test('an interrupted upload resumes from its offset and ends as a stored video with its asset', async () => {
    const created = await create(owner, clip.length);
    expect(created.status).toBe(201);
    expect(created.headers['tus-resumable']).toBe('1.0.0');
    const location = created.headers.location;
    expect(uploadPath(location)).toMatch(/^\/api\/uploads\/resumable\/[0-9a-f]{32}$/);

    const half = Math.floor(clip.length / 2);
    const first = await patch(owner, location, 0, clip.subarray(0, half));
    expect(first.status).toBe(204);
    expect(first.headers['upload-offset']).toBe(String(half));

    // The network drops in the middle of the second request: the bytes that arrived are kept.
    await interruptedPatch(owner, location, clip.subarray(half, half + 1000), clip.length - half);
    let offset = half;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const status = await head(owner, location);
      expect(status.status).toBe(200);
      offset = Number(status.headers['upload-offset']);
      if (offset >= half) break;
    }
    expect(offset).toBeGreaterThanOrEqual(half);
    expect(offset).toBeLessThanOrEqual(half + 1000);
    expect((await head(owner, location)).headers['upload-length']).toBe(String(clip.length));

    // Sending from a wrong offset is refused; from the server's offset it completes.
    expect((await patch(owner, location, 0, clip.subarray(0, 10))).status).toBe(409);
    const last = await patch(owner, location, offset, clip.subarray(offset));
    expect(last.status).toBe(200);
    const stored = JSON.parse(last.text);
    storedUrls.push(stored.url);
    expect(stored).toMatchObject({ mime: 'video/mp4', name: 'lecture.mp4', videoAsset: { id: expect.any(String) } });
    assetIds.push(stored.videoAsset.id);
    const bytes = fs.readFileSync(path.join(process.cwd(), 'public', stored.url));
    expect(bytes.equals(clip)).toBe(true);
    // The uploader owns the file and its asset.
    const asset = await app.request.get(`/api/videos/${stored.videoAsset.id}`).set(owner.auth);
    expect(asset.status).toBe(200);
    expect((await app.request.get(`/api/videos/${stored.videoAsset.id}`).set(other.auth)).status).toBe(403);
    // A finished upload is gone from the resumable store.
    expect((await head(owner, location)).status).toBe(404);
  });

  test('someone else’s upload is refused (403); an id the server did not make is 404', async () => {
    const created = await create(owner, clip.length);
    const location = created.headers.location;
    expect((await head(other, location)).status).toBe(403);
    const stolen = await patch(other, location, 0, clip.subarray(0, 100));
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.details.reason).toBe('not_file_owner');
    expect((await head(owner, location)).headers['upload-offset']).toBe('0');
    for (const id of ['..%2F..%2Fpackage.json', 'abc', '0123456789abcdef0123456789abcdeg'])
      expect((await app.request.head(`${BASE}/${id}`).set(owner.auth).set('Tus-Resumable', '1.0.0')).status).toBe(404);
    const cancelled = await app.request.delete(uploadPath(location)).set(owner.auth).set('Tus-Resumable', '1.0.0');
    expect(cancelled.status).toBe(204);
  });

  test('a video above UPLOAD_MAX_FILE_MB is accepted up to VIDEO_MAX_FILE_MB; beyond it 413 file_too_large', async () => {
    const tooBig = await create(owner, 3 * MB + 1);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.details.reason).toBe('file_too_large');
    // The clip padded past 1 MB: an MP4 player ignores bytes after its last box.
    const padded = Buffer.concat([clip, Buffer.alloc(Math.ceil(1.5 * MB))]);
    const created = await create(owner, padded.length);
    expect(created.status).toBe(201);
    const done = await patch(owner, created.headers.location, 0, padded);
    expect(done.status).toBe(200);
    const stored = JSON.parse(done.text);
    storedUrls.push(stored.url);
    assetIds.push(stored.videoAsset.id);
    expect(stored.mime).toBe('video/mp4');
    expect(stored.size).toBeGreaterThan(1024);
  });

  test('a document above UPLOAD_MAX_FILE_MB is refused when it ends (413), and nothing is stored', async () => {
    const before = await app.strapi.db.query('plugin::upload.file').count({});
    const big = Buffer.concat([PDF, Buffer.alloc(Math.ceil(1.5 * MB), 0x20)]);
    const created = await create(owner, big.length, 'book.pdf', 'application/pdf');
    const done = await patch(owner, created.headers.location, 0, big);
    expect(done.status).toBe(413);
    expect(JSON.parse(done.text).error.details.reason).toBe('file_too_large');
    expect(await app.strapi.db.query('plugin::upload.file').count({})).toBe(before);
  });

  test('content that is not a video, sent as one, is refused when it ends: 400 file_type_not_allowed', async () => {
    const before = await app.strapi.db.query('plugin::upload.file').count({});
    const created = await create(owner, TEXT.length);
    const done = await patch(owner, created.headers.location, 0, TEXT);
    expect(done.status).toBe(400);
    expect(JSON.parse(done.text).error.details.reason).toBe('file_type_not_allowed');
    expect(await app.strapi.db.query('plugin::upload.file').count({})).toBe(before);
    expect((await head(owner, created.headers.location)).status).toBe(404);
  });

  test('an abandoned upload is deleted by the clean-up job once it has expired', async () => {
    const created = await create(owner, clip.length);
    const location = created.headers.location;
    await patch(owner, location, 0, clip.subarray(0, 100));
    const id = uploadPath(location).split('/').pop()!;
    const fresh = await create(owner, clip.length);
    // Backdate the first upload's creation beyond the expiry (24 h by default).
    const infoFile = path.join(resumableDirectory(app.strapi), `${id}.json`);
    const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
    info.creation_date = new Date(Date.now() - 48 * 3_600_000).toISOString();
    fs.writeFileSync(infoFile, JSON.stringify(info));
    const job = await enqueue(app.strapi, expireResumableUploadsJob, {
      schedule: 'uploads.expire-resumable',
      slot: new Date().toISOString(),
    });
    await job.deliver();
    expect((await head(owner, location)).status).toBe(404);
    expect(fs.existsSync(path.join(resumableDirectory(app.strapi), id))).toBe(false);
    expect((await head(owner, fresh.headers.location)).status).toBe(200);
  });
});
