import fs from 'fs';
import path from 'path';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import {
  ELF,
  HTML,
  HTML_AFTER_TEXT,
  MP4,
  PDF,
  PE,
  PNG,
  SHELL,
  SVG_PLAIN,
  SVG_WITH_SCRIPT,
  TEXT,
} from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** Uploads on the local provider: who may upload, size limit, content sniffing, per-field kinds, ownership. */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let otherTeacher: TestUser;
let student: TestUser;
let otherStudent: TestUser;
let admin: TestUser;
let course: TestCourse;

const FILE = 'plugin::upload.file';
const MAX_FILE_MB = 1;

interface Attachment {
  content: Buffer;
  filename: string;
  contentType: string;
}

function upload(user: TestUser | null, attachments: Attachment[], fields: Record<string, string> = {}, query = '') {
  let request = app.request.post(`/api/upload${query}`).set(user ? user.auth : {});
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  for (const { content, filename, contentType } of attachments)
    request = request.attach('files', content, { filename, contentType });
  return request;
}

async function uploaded(user: TestUser, attachment: Attachment): Promise<{ id: number; url: string; mime: string }> {
  const response = await upload(user, [attachment]);
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body[0];
}

const binary = (response: any, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

const fileCount = () => app.strapi.db.query(FILE).count({});
const publicFile = (url: string) => path.join(process.cwd(), 'public', url);

beforeAll(async () => {
  app = await startLyceum({ UPLOAD_MAX_FILE_MB: String(MAX_FILE_MB) });
  make = factories(app.strapi);
  [teacher, otherTeacher, student, otherStudent, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher, lessons: 1 });
});
afterAll(async () => {
  // The database is thrown away; the bytes this file stored in public/uploads go with it.
  const files: Array<{ url: string; formats?: Record<string, { url: string }> | null }> = await app.strapi.db
    .query(FILE)
    .findMany({});
  for (const file of files) {
    for (const url of [file.url, ...Object.values(file.formats ?? {}).map((format) => format.url)])
      fs.rmSync(publicFile(url), { force: true });
  }
  await stopLyceum();
});

describe('who may upload', () => {
  test('a visitor without a token is refused with 401 and nothing is stored', async () => {
    const before = await fileCount();
    const response = await upload(null, [{ content: PNG, filename: 'a.png', contentType: 'image/png' }]);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ data: null, error: { status: 401 } });
    expect(await fileCount()).toBe(before);
  });

  test.each(['student', 'teacher', 'admin'] as const)(
    'a %s uploads a document and reads the same bytes back from the returned URL',
    async (role) => {
      const user = { student, teacher, admin }[role];
      const file = await uploaded(user, { content: PDF, filename: 'syllabus.pdf', contentType: 'application/pdf' });
      expect(file).toMatchObject({ mime: 'application/pdf', url: expect.stringMatching(/^\/uploads\/.+\.pdf$/) });
      const served = await app.request.get(file.url).buffer(true).parse(binary);
      expect(served.status).toBe(200);
      expect(served.body).toEqual(PDF);
    }
  );

  test('an uploaded image is served back as an image', async () => {
    const file = await uploaded(student, { content: PNG, filename: 'picture.png', contentType: 'image/png' });
    expect(file).toMatchObject({ mime: 'image/png', url: expect.stringMatching(/^\/uploads\/.+\.png$/) });
    const served = await app.request.get(file.url).buffer(true).parse(binary);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    // Strapi re-encodes images it can optimise, so the bytes differ; the format does not.
    expect(served.body.subarray(0, 8)).toEqual(PNG.subarray(0, 8));
  });

  test('the uploader is never shown in the answer', async () => {
    const response = await upload(student, [{ content: PDF, filename: 'essay.pdf', contentType: 'application/pdf' }]);
    expect(response.status).toBe(201);
    expect(response.body[0]).not.toHaveProperty('uploadedBy');
    expect(response.body[0].mime).toBe('application/pdf');
  });

  test('students and teachers cannot browse the file library; admins can', async () => {
    for (const user of [student, teacher]) {
      const response = await app.request.get('/api/upload/files').set(user.auth);
      expect(response.status).toBe(403);
    }
    expect((await app.request.get('/api/upload/files').set(admin.auth)).status).toBe(200);
  });

  test('attaching to an entry by ref/refId/field or choosing the storage path is refused with 400 naming the field', async () => {
    const lessonRow = await app.strapi.db
      .query('api::lesson.lesson')
      .findOne({ where: { documentId: course.lessons[0].documentId } });
    const response = await upload(student, [{ content: PNG, filename: 'x.png', contentType: 'image/png' }], {
      ref: 'api::lesson.lesson',
      refId: String(lessonRow.id),
      field: 'materials',
      path: '../../etc',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('ValidationError');
    expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path[0]).sort()).toEqual([
      'field',
      'path',
      'ref',
      'refId',
    ]);
  });
});

describe('size limit', () => {
  test(`a file over UPLOAD_MAX_FILE_MB (${MAX_FILE_MB} MB) is refused with 413 in Strapi's error shape, and nothing is stored`, async () => {
    const before = await fileCount();
    const big = Buffer.alloc(MAX_FILE_MB * 1024 * 1024 + 10, 'a');
    const response = await upload(teacher, [{ content: big, filename: 'big.txt', contentType: 'text/plain' }]);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({
      data: null,
      error: {
        status: 413,
        name: 'PayloadTooLargeError',
        details: { reason: 'file_too_large', maxFileMb: MAX_FILE_MB },
      },
    });
    expect(response.body.error.details.errors[0].path).toEqual(['files']);
    expect(await fileCount()).toBe(before);
  });

  test('a file just under the limit is accepted', async () => {
    const file = await uploaded(teacher, {
      content: Buffer.alloc(MAX_FILE_MB * 1024 * 1024 - 10, 'a'),
      filename: 'fits.txt',
      contentType: 'text/plain',
    });
    expect(file.mime).toBe('text/plain');
  });
});

describe('content is sniffed, whatever name and type the client claims', () => {
  const hostile: Array<[string, Buffer, string, string]> = [
    ['HTML as an image', HTML, 'cover.png', 'image/png'],
    ['HTML as itself', HTML, 'page.html', 'text/html'],
    ['HTML after a line of text, as a text file', HTML_AFTER_TEXT, 'notes.txt', 'text/plain'],
    ['SVG with a script, as a PNG', SVG_WITH_SCRIPT, 'logo.png', 'image/png'],
    ['SVG with a script, as SVG', SVG_WITH_SCRIPT, 'logo.svg', 'image/svg+xml'],
    ['SVG without a script', SVG_PLAIN, 'logo.svg', 'image/svg+xml'],
    ['an ELF executable as a JPEG', ELF, 'photo.jpg', 'image/jpeg'],
    ['an ELF executable without a type', ELF, 'program', 'application/octet-stream'],
    ['a Windows program as a PDF', PE, 'syllabus.pdf', 'application/pdf'],
    ['a Windows program as itself', PE, 'setup.exe', 'application/x-msdownload'],
    ['a shell script as a text file', SHELL, 'notes.txt', 'text/plain'],
    ['a shell script as a video', SHELL, 'lecture.mp4', 'video/mp4'],
  ];
  test.each(hostile)('%s is refused with 400 and not stored', async (_name, content, filename, contentType) => {
    const before = await fileCount();
    const response = await upload(student, [{ content, filename, contentType }]);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      data: null,
      error: { status: 400, name: 'ValidationError', details: { reason: 'dangerous_content' } },
    });
    expect(response.body.error.details.errors[0].path).toEqual(['files']);
    expect(await fileCount()).toBe(before);
  });

  test('unknown binary content is refused as a type not accepted', async () => {
    const response = await upload(student, [
      { content: Buffer.from([0, 1, 2, 3, 0, 255, 0, 7]), filename: 'data.txt', contentType: 'text/plain' },
    ]);
    expect(response.status).toBe(400);
    expect(response.body.error.details.reason).toBe('file_type_not_allowed');
  });

  test('one bad file among good ones refuses the whole request: nothing is stored', async () => {
    const before = await fileCount();
    const response = await upload(student, [
      { content: PNG, filename: 'ok.png', contentType: 'image/png' },
      { content: HTML, filename: 'evil.png', contentType: 'image/png' },
    ]);
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors).toEqual([
      expect.objectContaining({ path: ['files'], message: expect.stringContaining('evil.png') }),
    ]);
    expect(await fileCount()).toBe(before);
  });

  test('the stored type is the one the content shows', async () => {
    const file = await uploaded(teacher, {
      content: MP4,
      filename: 'lecture.mp4',
      contentType: 'application/octet-stream',
    });
    expect(file.mime).toBe('video/mp4');
    const text = await uploaded(student, {
      content: TEXT,
      filename: 'reading.txt',
      contentType: 'application/octet-stream',
    });
    expect(text.mime).toBe('text/plain');
  });
});

describe('each media field takes its own kinds', () => {
  let image: { id: number };
  let video: { id: number };
  let pdf: { id: number };
  beforeAll(async () => {
    image = await uploaded(teacher, { content: PNG, filename: 'cover.png', contentType: 'image/png' });
    video = await uploaded(teacher, { content: MP4, filename: 'lecture.mp4', contentType: 'video/mp4' });
    pdf = await uploaded(teacher, { content: PDF, filename: 'handout.pdf', contentType: 'application/pdf' });
  });

  const updateCourse = (data: Record<string, unknown>) =>
    app.request.put(`/api/courses/${course.documentId}`).set(teacher.auth).send({ data });
  const updateLesson = (data: Record<string, unknown>) =>
    app.request.put(`/api/lessons/${course.lessons[0].documentId}`).set(teacher.auth).send({ data });

  const expectFieldRefused = (response: { status: number; body: any }, field: string) => {
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      name: 'ValidationError',
      details: { reason: 'file_type_not_allowed' },
    });
    expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path)).toEqual([[field]]);
  };

  test('a course cover must be an image', async () => {
    expectFieldRefused(await updateCourse({ cover: pdf.id }), 'cover');
    expectFieldRefused(await updateCourse({ cover: video.id }), 'cover');
    const accepted = await updateCourse({ cover: image.id });
    expect(accepted.status).toBe(200);
  });

  test('a lesson video must be a video', async () => {
    expectFieldRefused(await updateLesson({ video: image.id }), 'video');
    expectFieldRefused(await updateLesson({ video: pdf.id }), 'video');
    expect((await updateLesson({ video: video.id })).status).toBe(200);
  });

  test('lesson materials are documents or images', async () => {
    expectFieldRefused(await updateLesson({ materials: [pdf.id, video.id] }), 'materials');
    expect((await updateLesson({ materials: [pdf.id, image.id] })).status).toBe(200);
  });

  test('submission files are documents or images, whoever writes them', async () => {
    const assignment = await make.createAssignment(course);
    const create = (files: number[]) =>
      app.strapi.documents('api::submission.submission').create({
        data: {
          key: `${student.id}:${assignment.documentId}:${files.join(',')}`,
          assignment: assignment.documentId,
          student: student.documentId,
          files,
        } as any,
      });
    await expect(create([video.id])).rejects.toMatchObject({
      name: 'ValidationError',
      details: { reason: 'file_type_not_allowed' },
    });
    await expect(create([pdf.id, image.id])).resolves.toMatchObject({ documentId: expect.any(String) });
  });

  test('an avatar must be an image', async () => {
    const mine = await uploaded(student, { content: PDF, filename: 'me.pdf', contentType: 'application/pdf' });
    expectFieldRefused(await app.request.put('/api/users/me').set(student.auth).send({ avatar: mine.id }), 'avatar');
    const picture = await uploaded(student, { content: PNG, filename: 'me.png', contentType: 'image/png' });
    const accepted = await app.request.put('/api/users/me').set(student.auth).send({ avatar: picture.id });
    expect(accepted.status).toBe(200);
    expect(accepted.body.avatar).toMatchObject({ id: picture.id, mime: 'image/png' });
  });
});

describe('changing and deleting files', () => {
  test("another student or teacher cannot delete or replace someone's upload: 403 not_file_owner", async () => {
    const file = await uploaded(student, { content: PDF, filename: 'homework.pdf', contentType: 'application/pdf' });
    for (const intruder of [otherStudent, otherTeacher]) {
      const removal = await app.request.delete(`/api/upload/files/${file.id}`).set(intruder.auth);
      expect(removal.status).toBe(403);
      expect(removal.body.error.details.reason).toBe('not_file_owner');
      const replacement = await upload(
        intruder,
        [{ content: PNG, filename: 'x.png', contentType: 'image/png' }],
        {},
        `?id=${file.id}`
      );
      expect(replacement.status).toBe(403);
    }
    expect(await app.strapi.db.query(FILE).findOne({ where: { id: file.id } })).toMatchObject({
      mime: 'application/pdf',
    });
    expect(fs.existsSync(publicFile(file.url))).toBe(true);
  });

  test('the uploader deletes their own file: the record and the stored bytes are gone', async () => {
    const file = await uploaded(student, { content: PDF, filename: 'draft.pdf', contentType: 'application/pdf' });
    expect(fs.existsSync(publicFile(file.url))).toBe(true);
    const removal = await app.request.delete(`/api/upload/files/${file.id}`).set(student.auth);
    expect(removal.status).toBe(200);
    expect(await app.strapi.db.query(FILE).findOne({ where: { id: file.id } })).toBeNull();
    expect(fs.existsSync(publicFile(file.url))).toBe(false);
    expect((await app.request.get(file.url)).status).toBe(404);
  });

  test('an admin deletes anyone’s file; an unknown id is 404', async () => {
    const file = await uploaded(teacher, { content: PNG, filename: 'old.png', contentType: 'image/png' });
    expect((await app.request.delete(`/api/upload/files/${file.id}`).set(admin.auth)).status).toBe(200);
    const missing = await app.request.delete('/api/upload/files/99999999').set(student.auth);
    expect(missing.status).toBe(404);
  });

  test('replacing one’s own file still goes through the content checks', async () => {
    const file = await uploaded(teacher, { content: PNG, filename: 'logo.png', contentType: 'image/png' });
    const refused = await upload(
      teacher,
      [{ content: HTML, filename: 'logo.png', contentType: 'image/png' }],
      {},
      `?id=${file.id}`
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.reason).toBe('dangerous_content');
    const replaced = await upload(
      teacher,
      [{ content: PNG, filename: 'logo2.png', contentType: 'image/png' }],
      {},
      `?id=${file.id}`
    );
    expect(replaced.status).toBe(200);
  });
});
