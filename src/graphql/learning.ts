import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { documentIdParam, positiveIntegerParam } from '../access/params';
import { callerFrom } from '../access/roles';
import { attachTeacherProfiles } from '../api/course/profiles/teacher-profiles';
import { isFastCatalogOn } from '../api/course/reads/catalog-query';
import { loadInBatch } from './request-batches';
import { assertLessonOpen, lessonContent, managesLessonCourse } from '../api/lesson/content/lesson-content';
import { certificates, presentCertificate } from '../plugins/certificates/server/src/facade';
import { parseReviewInput, reviews, type ReviewInput } from '../plugins/community/server/src/facade';
import { enrollments, enrollmentViews, type EnrollmentStatus } from '../plugins/enrollment/server/src/facade';
import { quizAttempts, submissions } from '../plugins/grading/server/src/facade';
import { lessonProgress } from '../plugins/progress/server/src/facade';

/** As REST's hand-in limit; files are handed in through REST's multipart route. */
const MAX_SUBMISSION_TEXT = 50_000;

/**
 * Lyceum's GraphQL operations: the student's own data and actions, each a call to the same plugin service
 * as its REST route, guarded by the same users-permissions action. Results carry the REST `data` shapes as
 * JSON, so a client reads one shape whichever API it speaks.
 */
const typeDefs = `
  type TeacherProfile {
    id: ID!
    documentId: String
    username: String
    fullName: String
    bio: String
    avatarUrl: String
  }

  extend type Course {
    teacherProfiles: [TeacherProfile!]!
  }

  input QuizAnswerInput {
    question: Int!
    choices: [Int!]
    text: String
    number: Float
  }

  extend type Query {
    courseOutline(documentId: ID!, locale: I18NLocaleCode): JSON!
    lessonContent(documentId: ID!, locale: I18NLocaleCode): JSON!
    myEnrollments(status: String, locale: I18NLocaleCode): JSON!
    myCertificates: JSON!
    myQuizAttempts(quiz: ID): JSON!
  }

  extend type Mutation {
    enroll(course: ID!): JSON!
    cancelEnrollment(course: ID!): JSON!
    completeLesson(lesson: ID!): JSON!
    startQuizAttempt(quiz: ID!, locale: I18NLocaleCode): JSON!
    submitQuizAttempt(attempt: ID!, answers: [QuizAnswerInput!]!): JSON!
    submitAssignment(assignment: ID!, text: String!): JSON!
    createReview(course: ID!, rating: Int!, body: String!): JSON!
  }
`;

type Resolver = (parent: unknown, args: any, context: any) => Promise<unknown>;
/** Every resolver: the caller from the request state. Refusals reach the client through src/errors/graphql.ts. */
const resolver =
  (
    strapi: Core.Strapi,
    run: (args: any, caller: ReturnType<typeof callerFrom>, strapi: Core.Strapi) => Promise<unknown>
  ): Resolver =>
  async (_parent, args, context) =>
    run(args, callerFrom(context.state), strapi);

const locale = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

export const learningOperations = ({ strapi }: { strapi: Core.Strapi }) => ({
  typeDefs,
  resolvers: {
    Course: {
      // The profiles of every course of the request in one read (attachTeacherProfiles answers each course alike
      // whether it is read alone or with others).
      async teacherProfiles(course: Record<string, unknown>, _args: unknown, context: object) {
        const profilesOf = async (documentIds: unknown[]) => {
          const courses: Array<Record<string, unknown>> = documentIds.map((documentId) => ({ documentId }));
          await attachTeacherProfiles(strapi, courses);
          return new Map(courses.map((copy) => [copy.documentId, (copy.teachers as unknown[] | undefined) ?? []]));
        };
        const teachers = isFastCatalogOn()
          ? await loadInBatch(context, 'Course.teacherProfiles', profilesOf, course.documentId)
          : (await profilesOf([course.documentId])).get(course.documentId);
        return (teachers ?? []).map((teacher: any) => ({ ...teacher, avatarUrl: teacher.avatar?.url ?? null }));
      },
    },
    Query: {
      courseOutline: resolver(strapi, ({ documentId, locale: wanted }, caller) =>
        lessonProgress(strapi).outline(caller, documentIdParam(documentId), locale(wanted), new Date())
      ),
      lessonContent: resolver(strapi, async ({ documentId, locale: wanted }, caller) => {
        const lessonDocumentId = documentIdParam(documentId);
        const managesCourse = await managesLessonCourse(strapi, caller, lessonDocumentId);
        const lesson = await strapi
          .documents('api::lesson.lesson')
          .findOne({ documentId: lessonDocumentId, locale: locale(wanted), status: 'published' });
        if (!lesson) throw new errors.NotFoundError('Lesson not found');
        if (!managesCourse) await assertLessonOpen(strapi, caller, lessonDocumentId);
        return {
          ...lesson,
          ...(await lessonContent(strapi, lessonDocumentId, lesson.locale ?? undefined, 'published')),
        };
      }),
      myEnrollments: resolver(strapi, ({ status, locale: wanted }, caller) => {
        if (
          status !== undefined &&
          status !== null &&
          !['active', 'completed', 'expired', 'cancelled'].includes(status)
        ) {
          throw new errors.ValidationError('status must be one of active, completed, expired, cancelled', {
            errors: [
              {
                path: ['status'],
                message: 'status must be one of active, completed, expired, cancelled',
                name: 'ValidationError',
              },
            ],
          });
        }
        return enrollmentViews(strapi).listForStudent(caller.userId!, {
          status: (status as EnrollmentStatus | null) ?? undefined,
          locale: locale(wanted),
          now: new Date(),
        });
      }),
      myCertificates: resolver(strapi, async (_args, caller) =>
        (await certificates(strapi).listForHolder(caller.userId!)).map(presentCertificate)
      ),
      myQuizAttempts: resolver(strapi, ({ quiz }, caller) =>
        quizAttempts(strapi).mine(caller, quiz ? documentIdParam(quiz, 'quiz') : undefined, new Date())
      ),
    },
    Mutation: {
      enroll: resolver(strapi, async ({ course }, caller) => {
        const courseDocumentId = documentIdParam(course, 'course');
        const enrollment = await enrollments(strapi).enroll({
          userId: caller.userId!,
          courseDocumentId,
          now: new Date(),
          isPlacedByStaff: false,
        });
        return enrollmentViews(strapi).present(enrollment, courseDocumentId, new Date());
      }),
      cancelEnrollment: resolver(strapi, async ({ course }, caller) => {
        const courseDocumentId = documentIdParam(course, 'course');
        const enrollment = await enrollments(strapi).cancel({
          userId: caller.userId!,
          courseDocumentId,
          now: new Date(),
        });
        return enrollmentViews(strapi).present(enrollment, courseDocumentId, new Date());
      }),
      completeLesson: resolver(strapi, ({ lesson }, caller) =>
        lessonProgress(strapi).completeLesson(caller, documentIdParam(lesson, 'lesson'), new Date())
      ),
      startQuizAttempt: resolver(strapi, async ({ quiz, locale: wanted }, caller) => {
        const { attempt } = await quizAttempts(strapi).start(
          caller,
          documentIdParam(quiz, 'quiz'),
          locale(wanted),
          new Date()
        );
        return attempt;
      }),
      submitQuizAttempt: resolver(strapi, ({ attempt, answers }, caller) =>
        quizAttempts(strapi).submit(caller, positiveIntegerParam(attempt, 'attempt'), answers, new Date())
      ),
      submitAssignment: resolver(strapi, ({ assignment, text }, caller) => {
        if (!text.trim() || text.length > MAX_SUBMISSION_TEXT) {
          const message = `text must be 1 to ${MAX_SUBMISSION_TEXT} characters`;
          throw new errors.ValidationError(message, { errors: [{ path: ['text'], message, name: 'ValidationError' }] });
        }
        return submissions(strapi).submit(
          caller,
          documentIdParam(assignment, 'assignment'),
          { text, files: [] },
          new Date()
        );
      }),
      createReview: resolver(strapi, ({ course, rating, body }, caller) =>
        reviews(strapi).create(
          caller,
          documentIdParam(course, 'course'),
          parseReviewInput({ rating, body }, { partial: false }) as Required<ReviewInput>,
          new Date()
        )
      ),
    },
  },
  resolversConfig: {
    'Course.teacherProfiles': { auth: false },
    'Query.courseOutline': { auth: { scope: ['plugin::progress.progress.outline'] } },
    // Lesson content is read under the same action as REST GET /lessons/:documentId.
    'Query.lessonContent': { auth: { scope: ['api::lesson.lesson.findOne'] } },
    'Query.myEnrollments': { auth: { scope: ['plugin::enrollment.enrollments.mine'] } },
    'Query.myCertificates': { auth: { scope: ['plugin::certificates.certificates.mine'] } },
    'Query.myQuizAttempts': { auth: { scope: ['plugin::grading.quiz-attempts.mine'] } },
    'Mutation.enroll': { auth: { scope: ['plugin::enrollment.enrollments.enroll'] } },
    'Mutation.cancelEnrollment': { auth: { scope: ['plugin::enrollment.enrollments.cancelMine'] } },
    'Mutation.completeLesson': { auth: { scope: ['plugin::progress.progress.complete'] } },
    'Mutation.startQuizAttempt': { auth: { scope: ['plugin::grading.quiz-attempts.start'] } },
    'Mutation.submitQuizAttempt': { auth: { scope: ['plugin::grading.quiz-attempts.submit'] } },
    'Mutation.submitAssignment': { auth: { scope: ['plugin::grading.submissions.submit'] } },
    'Mutation.createReview': { auth: { scope: ['plugin::community.reviews.create'] } },
  },
});
