import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { RoleType } from '../../src/access/roles';

/** Test data builders: real rows through Strapi's own services, so rules see what production would. */
export interface TestUser {
  id: number;
  documentId: string;
  username: string;
  email: string;
  role: RoleType;
  jwt: string;
  auth: { Authorization: string };
}

export interface TestCourse {
  documentId: string;
  title: string;
  lessons: Array<{ documentId: string; title: string; freePreview: boolean }>;
}

const unique = () => randomBytes(5).toString('hex');

export function factories(strapi: Core.Strapi) {
  async function createUser(
    role: Exclude<RoleType, 'public'>,
    overrides: Record<string, unknown> = {}
  ): Promise<TestUser> {
    const roleRow = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: role } });
    const username = `${role}_${unique()}`;
    const user = await strapi
      .plugin('users-permissions')
      .service('user')
      .add({
        username,
        email: `${username}@example.test`,
        password: 'Secret-pass-1',
        provider: 'local',
        confirmed: true,
        blocked: false,
        role: roleRow.id,
        fullName: `${role} ${username}`,
        ...overrides,
      });
    const jwt: string = await strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
    return {
      id: user.id,
      documentId: user.documentId,
      username,
      email: user.email,
      role,
      jwt,
      auth: { Authorization: `Bearer ${jwt}` },
    };
  }

  async function createCourse(
    options: {
      teacher?: TestUser;
      published?: boolean;
      lessons?: number;
      freePreviewLessons?: number;
      data?: Record<string, unknown>;
    } = {}
  ): Promise<TestCourse> {
    const { teacher, published = true, lessons = 2, freePreviewLessons = 0, data = {} } = options;
    const title = `Course ${unique()}`;
    const course = await strapi.documents('api::course.course').create({
      locale: 'en',
      data: {
        title,
        summary: 'A course made by a test',
        ...(teacher ? { teachers: [teacher.documentId] } : {}),
        ...data,
      } as any,
    });
    const createdLessons: TestCourse['lessons'] = [];
    for (let index = 0; index < lessons; index += 1) {
      const freePreview = index < freePreviewLessons;
      const lesson = await strapi.documents('api::lesson.lesson').create({
        locale: 'en',
        data: {
          title: `Lesson ${index + 1}`,
          position: index + 1,
          kind: 'text',
          freePreview,
          content: `Secret content ${index + 1}`,
          course: course.documentId,
        } as any,
      });
      if (published) await strapi.documents('api::lesson.lesson').publish({ documentId: lesson.documentId });
      createdLessons.push({ documentId: lesson.documentId, title: `Lesson ${index + 1}`, freePreview });
    }
    if (published) await strapi.documents('api::course.course').publish({ documentId: course.documentId });
    return { documentId: course.documentId, title, lessons: createdLessons };
  }

  async function createQuiz(
    course: TestCourse,
    options: { published?: boolean; onLesson?: boolean; lessonIndex?: number; data?: Record<string, unknown> } = {}
  ) {
    const { published = true, onLesson = true, lessonIndex = 0, data = {} } = options;
    const quiz = await strapi.documents('api::quiz.quiz').create({
      locale: 'en',
      data: {
        title: `Quiz ${unique()}`,
        ...(onLesson
          ? { lesson: course.lessons[lessonIndex].documentId }
          : { course: course.documentId, isFinal: true }),
        questions: [
          {
            type: 'single',
            prompt: 'Pick the right one',
            points: 1,
            explanation: 'Because it is right',
            options: [
              { text: 'Right', correct: true },
              { text: 'Wrong', correct: false },
            ],
          },
          { type: 'short_text', prompt: 'Say hello', points: 1, acceptedAnswers: ['hello'] },
          { type: 'numeric', prompt: 'Pi to two places', points: 1, numericAnswer: 3.14, tolerance: 0.01 },
        ],
        ...data,
      } as any,
    });
    if (published) await strapi.documents('api::quiz.quiz').publish({ documentId: quiz.documentId });
    return { documentId: quiz.documentId };
  }

  async function createAssignment(course: TestCourse, options: { published?: boolean } = {}) {
    const assignment = await strapi.documents('api::assignment.assignment').create({
      data: {
        title: `Assignment ${unique()}`,
        instructions: 'Hand it in',
        maxPoints: 10,
        course: course.documentId,
      } as any,
    });
    if (options.published ?? true)
      await strapi.documents('api::assignment.assignment').publish({ documentId: assignment.documentId });
    return { documentId: assignment.documentId };
  }

  async function createAnnouncement(course: TestCourse, author: TestUser) {
    const announcement = await strapi.documents('api::announcement.announcement').create({
      data: {
        title: `News ${unique()}`,
        body: 'Something happened',
        course: course.documentId,
        author: author.documentId,
      } as any,
    });
    return { documentId: announcement.documentId };
  }

  async function enroll(
    student: TestUser,
    course: TestCourse,
    status: 'active' | 'completed' | 'expired' | 'cancelled' = 'active'
  ) {
    const enrollments = strapi.plugin('enrollment').service('enrollments');
    return strapi.documents('plugin::enrollment.enrollment').create({
      data: {
        key: enrollments.enrollmentKey(student.id, course.documentId),
        user: student.documentId,
        course: course.documentId,
        status,
        enrolledAt: new Date().toISOString(),
      } as any,
    });
  }

  /**
   * An uploaded picture's row, written straight to the upload plugin's table (no file on disk): a course cover or
   * an avatar for reads that only show its URL, sizes, formats and alternative text.
   */
  async function createPictureRow(name: string) {
    return strapi.db.query('plugin::upload.file').create({
      data: {
        name,
        hash: `${name}_hash`,
        ext: '.png',
        mime: 'image/png',
        size: 12.34,
        width: 640,
        height: 360,
        url: `/uploads/${name}.png`,
        provider: 'local',
        alternativeText: `${name} picture`,
        formats: { thumbnail: { url: `/uploads/thumbnail_${name}.png`, width: 245, height: 138 } },
      },
    });
  }

  return { createUser, createCourse, createQuiz, createAssignment, createAnnouncement, enroll, createPictureRow };
}
