import type { Core } from '@strapi/strapi';
import { findCourseOfContent, findCourseOfLesson } from '../../../../access/ownership';
import { relationDocumentIds } from '../../../../access/relation-input';
import { invalidFields, type FieldError } from '../../../../errors/refusal';
import { drawSizeProblems, parseDraws, tagProblems } from './rules/question-draws';
import { rubricProblems } from './rules/rubric';
import type questionBanksService from './services/question-banks';

const QUIZ = 'api::quiz.quiz';
const BANK = 'api::question-bank.question-bank';
const ASSIGNMENT = 'api::assignment.assignment';

type QuestionBanks = ReturnType<typeof questionBanksService>;

/** The course a quiz write leaves the quiz in: the one its body names (directly or through its lesson), else the stored one. */
async function courseOfQuizWrite(strapi: Core.Strapi, data: Record<string, unknown>, documentId?: string) {
  const courses = relationDocumentIds(data.course, 'course');
  if (courses?.length) return courses[0];
  const lessons = relationDocumentIds(data.lesson, 'lesson');
  if (lessons?.length) return (await findCourseOfLesson(strapi, lessons[0])) ?? null;
  return documentId ? ((await findCourseOfContent(strapi, QUIZ, documentId)) ?? null) : null;
}

/** The maxPoints a rubric is held to: the write's, else the stored draft's, else the schema default. */
async function maxPointsOfAssignmentWrite(strapi: Core.Strapi, data: Record<string, unknown>, documentId?: string) {
  if (typeof data.maxPoints === 'number' && Number.isFinite(data.maxPoints)) return data.maxPoints;
  if (documentId) {
    const row = await strapi.db
      .query(ASSIGNMENT)
      .findOne({ where: { documentId, publishedAt: null }, select: ['maxPoints'] });
    if (row?.maxPoints !== undefined && row?.maxPoints !== null) return Number(row.maxPoints);
  }
  return 100;
}

/**
 * Rules on what staff write, whoever writes it (REST, the admin panel's content manager, scripts): a quiz's draws
 * must fit banks of its own course (400 naming `draws` when a draw asks for more than its bank holds after tag
 * filtering, or for fewer than 1), bank questions' tags are strings, and an assignment's rubric is well formed.
 */
export function enforceTeachingContentRules(strapi: Core.Strapi, banks: () => QuestionBanks): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update'].includes(context.action) || ![QUIZ, BANK, ASSIGNMENT].includes(context.uid))
      return next();
    const params = context.params as { data?: unknown; documentId?: string };
    const data = params.data as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return next();
    const problems: FieldError[] = [];

    if (context.uid === QUIZ && data.draws !== undefined) {
      const parsed = parseDraws(data.draws);
      problems.push(...parsed.problems);
      if (parsed.problems.length === 0 && parsed.draws.length > 0) {
        const course = await courseOfQuizWrite(strapi, data, params.documentId);
        problems.push(...drawSizeProblems(parsed.draws, await banks().bankIndexes(parsed.draws), course));
      }
    }
    if (context.uid === BANK && Array.isArray(data.questions)) {
      data.questions.forEach((question, index) => {
        if (question && typeof question === 'object')
          problems.push(...tagProblems((question as { tags?: unknown }).tags, ['questions', index, 'tags']));
      });
    }
    if (context.uid === ASSIGNMENT && data.rubric !== undefined) {
      problems.push(...rubricProblems(data.rubric, await maxPointsOfAssignmentWrite(strapi, data, params.documentId)));
    }
    if (problems.length) throw invalidFields(problems);
    return next();
  });
}
