import { randomBytes } from 'crypto';
import { factories, type TestUser } from '../helpers/factories';
import { PNG } from '../helpers/sample-files';
import type { TestApp } from '../helpers/strapi';

/**
 * The data the fuzzer aims at: one of everything a route can name, owned and joined the way real use joins them,
 * so that generated requests reach the code behind the checks (a path with a real course, a student enrolled in
 * it, a quiz attempt to submit) and not only the 404s in front of it.
 */
export const ACTORS = ['anonymous', 'student', 'otherStudent', 'teacher', 'otherTeacher', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

export type Pool =
  | 'course'
  | 'lesson'
  | 'quiz'
  | 'assignment'
  | 'announcement'
  | 'category'
  | 'tag'
  | 'article'
  | 'articleCategory'
  | 'submission'
  | 'review'
  | 'comment'
  | 'certificate'
  | 'userDocument'
  | 'user'
  | 'file'
  | 'notification'
  | 'attempt'
  | 'question'
  | 'option'
  | 'role'
  | 'certificateCode'
  | 'articleSlug';

export interface World {
  headers: Record<Actor, Record<string, string>>;
  users: Partial<Record<Actor, TestUser>>;
  pools: Record<Pool, Array<string | number>>;
  /** What went wrong while seeding: printed, since a missing entry silently narrows what the fuzzer reaches. */
  seedProblems: string[];
}

const unique = () => randomBytes(4).toString('hex');

export async function seedWorld(app: TestApp): Promise<World> {
  const { strapi, request } = app;
  const make = factories(strapi);
  const seedProblems: string[] = [];
  const pools = Object.fromEntries(
    [
      'course',
      'lesson',
      'quiz',
      'assignment',
      'announcement',
      'category',
      'tag',
      'article',
      'articleCategory',
      'submission',
      'review',
      'comment',
      'certificate',
      'userDocument',
      'user',
      'file',
      'notification',
      'attempt',
      'question',
      'option',
      'role',
      'certificateCode',
      'articleSlug',
    ].map((pool) => [pool, []])
  ) as unknown as World['pools'];
  const add = (pool: Pool, ...values: Array<string | number | undefined | null>) => {
    for (const value of values)
      if (value !== undefined && value !== null && !pools[pool].includes(value)) pools[pool].push(value);
  };
  /** A seeding step through HTTP: kept when it works, noted when it does not. */
  const step = async (what: string, send: () => Promise<{ status: number; body: any }>) => {
    const response = await send();
    if (response.status >= 300)
      seedProblems.push(`${what}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    return response.status < 300 ? response.body : undefined;
  };

  const [student, otherStudent, teacher, otherTeacher, admin] = await Promise.all([
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
  const users = { student, otherStudent, teacher, otherTeacher, admin };
  for (const user of Object.values(users)) {
    add('user', user.id);
    add('userDocument', user.documentId);
  }
  const roles = await strapi.db.query('plugin::users-permissions.role').findMany({});
  add('role', ...roles.map((role: { id: number }) => role.id));

  const category = await strapi
    .documents('api::category.category')
    .create({ data: { name: `Category ${unique()}`, slug: `category-${unique()}` } as any });
  const tag = await strapi
    .documents('api::tag.tag')
    .create({ data: { name: `Tag ${unique()}`, slug: `tag-${unique()}` } as any });
  add('category', category.documentId);
  add('tag', tag.documentId);
  const articleCategory = await strapi
    .documents('api::article-category.article-category')
    .create({ data: { name: `Blog ${unique()}`, slug: `blog-${unique()}` } as any });
  add('articleCategory', articleCategory.documentId);
  const articleSlug = `article-${unique()}`;
  const article = await strapi.documents('api::article.article').create({
    locale: 'en',
    data: {
      title: 'An article',
      slug: articleSlug,
      excerpt: 'Short',
      body: 'Long **text**',
      category: articleCategory.documentId,
      tags: [tag.documentId],
    } as any,
  });
  await strapi.documents('api::article.article').publish({ documentId: article.documentId, locale: 'en' } as any);
  add('article', article.documentId);
  add('articleSlug', articleSlug);

  const course = await make.createCourse({
    teacher,
    lessons: 3,
    freePreviewLessons: 1,
    data: { category: category.documentId, tags: [tag.documentId] },
  });
  const draftCourse = await make.createCourse({ teacher, published: false, lessons: 1 });
  const otherCourse = await make.createCourse({
    teacher: otherTeacher,
    lessons: 1,
    data: { price: 10, currency: 'EUR' },
  });
  for (const each of [course, draftCourse, otherCourse]) {
    add('course', each.documentId);
    add('lesson', ...each.lessons.map((lesson) => lesson.documentId));
  }
  const quiz = await make.createQuiz(course);
  const finalQuiz = await make.createQuiz(course, { onLesson: false });
  add('quiz', quiz.documentId, finalQuiz.documentId);
  const assignment = await make.createAssignment(course);
  add('assignment', assignment.documentId);
  const announcement = await make.createAnnouncement(course, teacher);
  add('announcement', announcement.documentId);
  await make.enroll(student, course);
  await make.enroll(otherStudent, otherCourse);

  for (const user of [student, teacher, admin]) {
    const uploaded = await step(`upload as ${user.role}`, () =>
      request
        .post('/api/upload')
        .set(user.auth)
        .attach('files', PNG, { filename: 'seed.png', contentType: 'image/png' })
    );
    add('file', ...(Array.isArray(uploaded) ? uploaded.map((file: { id: number }) => file.id) : []));
  }

  const attempt = await step('quiz attempt', () =>
    request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth).send({})
  );
  const attemptData = attempt?.data ?? attempt;
  add('attempt', attemptData?.id);
  for (const question of attemptData?.questions ?? []) {
    add('question', question.id);
    add('option', ...(question.options ?? []).map((option: { id: number }) => option.id));
  }
  const submission = await step('submission', () =>
    request.post(`/api/assignments/${assignment.documentId}/submissions`).set(student.auth).send({ text: 'My essay' })
  );
  add('submission', submission?.data?.documentId);
  const review = await step('review', () =>
    request.post(`/api/courses/${course.documentId}/reviews`).set(student.auth).send({ rating: 4, body: 'Good course' })
  );
  add('review', review?.data?.documentId);
  const comment = await step('comment', () =>
    request.post(`/api/lessons/${course.lessons[0].documentId}/comments`).set(student.auth).send({ body: 'A question' })
  );
  add('comment', comment?.data?.documentId);
  await step('message', () =>
    request.post(`/api/conversations/${teacher.id}/messages`).set(student.auth).send({ body: 'Hello teacher' })
  );
  await step('broadcast', () =>
    request
      .post('/api/notifications/broadcast')
      .set(admin.auth)
      .send({ title: 'Welcome', body: 'Hi', audience: { all: true } })
  );
  const notifications = await strapi.db.query('api::notification.notification').findMany({});
  add('notification', ...notifications.map((notification: { id: number }) => notification.id));
  const certificate = await step('certificate', () =>
    request.post(`/api/courses/${course.documentId}/certificates`).set(teacher.auth).send({ user: student.id })
  );
  add('certificate', certificate?.data?.documentId);
  add('certificateCode', certificate?.data?.code);

  const headers = { anonymous: {} } as Record<Actor, Record<string, string>>;
  for (const [actor, user] of Object.entries(users)) headers[actor as Actor] = user.auth;
  return { headers, users, pools, seedProblems };
}
