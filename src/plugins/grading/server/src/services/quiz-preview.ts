import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, findCourseOfContent } from '../../../../../access/ownership';
import { Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import { questionsForStaff } from '../rules/answer-visibility';
import { attemptQuestions, type QuestionComponent } from '../rules/attempt-questions';
import { parseDraws } from '../rules/question-draws';
import type questionBanksService from './question-banks';

const QUIZ = 'api::quiz.quiz';
const COURSE = 'api::course.course';

export type PreviewStatus = 'draft' | 'published';

/**
 * The admin panel's quiz preview: the quiz as a student is given it (questions in order, options,
 * points, time limit) and one sample of its random draws, with the answer key only staff see (rules/answer-visibility.ts). Questions go through the same rule an attempt uses, so the
 * points shown are the points scored.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async preview(caller: Caller, quizDocumentId: string, options: { locale?: string; status: PreviewStatus }) {
    const courseDocumentId = await findCourseOfContent(strapi, QUIZ, quizDocumentId);
    if (courseDocumentId === undefined) throw new errors.NotFoundError('Quiz not found');
    if (courseDocumentId === null) {
      // A quiz attached to no course yet belongs to nobody's teaching: only admins see it.
      if (caller.role !== 'admin')
        throw new Refusal('Only the teachers of this course may do this', 'not_course_owner');
    } else {
      await assertCanManageCourse(strapi, caller, courseDocumentId);
    }

    const versions = await strapi.db
      .query(QUIZ)
      .findMany({ where: { documentId: quizDocumentId }, select: ['locale', 'publishedAt'] });
    const locales: string[] = versions
      .filter((row: { publishedAt: unknown }) => (options.status === 'published' ? row.publishedAt : !row.publishedAt))
      .map((row: { locale: string }) => row.locale);
    if (locales.length === 0)
      throw new errors.NotFoundError(options.status === 'published' ? 'This quiz is not published' : 'Quiz not found');
    const locale = [options.locale, 'en', ...locales].find((candidate) => candidate && locales.includes(candidate))!;

    const quiz: any = await strapi.documents(QUIZ).findOne({
      documentId: quizDocumentId,
      locale,
      status: options.status,
      populate: { questions: { populate: { options: true } }, lesson: { fields: ['title'] } },
    });
    if (!quiz) throw new errors.NotFoundError('Quiz not found');
    const questions = attemptQuestions((quiz.questions ?? []) as QuestionComponent[], {
      shuffleQuestions: false,
      shuffleOptions: false,
    });
    const course = courseDocumentId ? await this.courseTitle(courseDocumentId) : null;
    // One draw as an attempt would take it, so staff see what the draws give (each attempt draws afresh).
    const draws = parseDraws(quiz.draws).draws;
    const banks = strapi.plugin('grading').service('question-banks') as ReturnType<typeof questionBanksService>;
    const sample = attemptQuestions(await banks.draw(draws), { shuffleQuestions: false, shuffleOptions: false });

    return {
      documentId: quizDocumentId,
      locale,
      status: options.status,
      title: quiz.title,
      description: quiz.description ?? null,
      course: courseDocumentId ? { documentId: courseDocumentId, title: course } : null,
      lesson: quiz.lesson ? { documentId: quiz.lesson.documentId, title: quiz.lesson.title } : null,
      isFinal: Boolean(quiz.isFinal),
      timeLimitSeconds: quiz.timeLimitSeconds ?? null,
      passingPercent: quiz.passingPercent ?? 70,
      maxAttempts: quiz.maxAttempts ?? null,
      shuffleQuestions: Boolean(quiz.shuffleQuestions),
      shuffleOptions: Boolean(quiz.shuffleOptions),
      reviewPolicy: quiz.reviewPolicy ?? 'after_submit',
      totalPoints: questions.reduce((sum, question) => sum + question.points, 0),
      questions: questionsForStaff(questions),
      draws,
      sampleDraw: questionsForStaff(sample),
    };
  },

  async courseTitle(courseDocumentId: string): Promise<string | null> {
    const rows = await strapi.db
      .query(COURSE)
      .findMany({ where: { documentId: courseDocumentId }, select: ['title', 'locale', 'publishedAt'] });
    const shown =
      rows.find((row: any) => row.locale === 'en' && row.publishedAt) ??
      rows.find((row: any) => row.locale === 'en') ??
      rows[0];
    return shown?.title ?? null;
  },
});
