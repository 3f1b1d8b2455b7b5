import type { Core } from '@strapi/strapi';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import type { QuestionComponent } from '../rules/attempt-questions';
import { pickDrawnIds, tagsOf, type BankIndex, type QuestionDraw } from '../rules/question-draws';

const BANK = 'api::question-bank.question-bank';
const QUESTION = 'quiz.question';

/**
 * Question banks as quizzes use them. A quiz start must stay fast with a bank of hundreds of questions, so it
 * never loads a bank whole: the bank's index (question ids and tags, remembered with the course structure and
 * dropped on any write to a bank) decides the draw, then only the drawn questions are read, with their options.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** A bank's course and question ids with their tags; null when no bank has that documentId. */
  bankIndex(bankDocumentId: string): Promise<BankIndex | null> {
    return rememberCourseStructure(strapi, `question-bank:${bankDocumentId}`, async () => {
      const bank = await strapi.db.query(BANK).findOne({
        where: { documentId: bankDocumentId },
        select: ['id', 'documentId'],
        populate: { course: { select: ['documentId'] }, questions: { select: ['id', 'tags'] } },
      });
      if (!bank) return null;
      return {
        documentId: bank.documentId,
        courseDocumentId: bank.course?.documentId ?? null,
        questions: ((bank.questions ?? []) as Array<{ id: number; tags?: unknown }>).map((question) => ({
          id: question.id,
          tags: tagsOf(question.tags),
        })),
      };
    });
  },

  /** The indexes of the banks the draws name, by documentId (unknown banks left out). */
  async bankIndexes(draws: readonly QuestionDraw[]): Promise<Map<string, BankIndex>> {
    const documentIds = [...new Set(draws.map((draw) => draw.bank))];
    const indexes = await Promise.all(documentIds.map((documentId) => this.bankIndex(documentId)));
    return new Map(
      indexes.filter((index): index is BankIndex => index !== null).map((index) => [index.documentId, index])
    );
  },

  /**
   * One attempt's drawn questions, answer key included (the attempt keeps them and is scored against them),
   * in draw order. Reads only the drawn rows.
   */
  async draw(draws: readonly QuestionDraw[]): Promise<QuestionComponent[]> {
    if (draws.length === 0) return [];
    const ids = pickDrawnIds(draws, await this.bankIndexes(draws));
    if (ids.length === 0) return [];
    const rows = (await strapi.db.query(QUESTION as any).findMany({
      where: { id: { $in: ids } },
      populate: { options: true },
    })) as QuestionComponent[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id)).filter((row): row is QuestionComponent => row !== undefined);
  },
});
