import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { runSql } from '../../../../../access/raw-sql';
import { conflict, notFound, Refusal } from '../../../../../errors/refusal';
import {
  parseAnswers,
  questionsForStudent,
  resultsWithAnswers,
  scoreQuiz,
  type AttemptQuestion,
} from '../../../../grading/server/src/facade';
import { ATTEMPT, inKnex, socialTables } from '../queries/social-tables';
import { publishedVisiblePostRow } from './post-views';

/**
 * Self-check quiz posts: free, unlimited attempts, no enrollment, never a certificate. Each attempt keeps its own
 * copy of the questions (so an edit never changes an open attempt) and is scored by grading's rules; the answers
 * are always shown after submitting, since a self-check has nothing to protect.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /posts/:documentId/attempts: a new attempt with the questions, without their answers. */
  async start(caller: Caller, postDocumentId: string) {
    const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
    if (post.kind !== 'quiz') throw new Refusal('Only quiz posts take attempts', 'not_a_quiz', { status: 400 });
    const full: any = await strapi.db
      .query('api::post.post')
      .findOne({ where: { id: post.id }, select: ['questions'] });
    const questions: AttemptQuestion[] = Array.isArray(full?.questions) ? full.questions : [];
    const attempt = await strapi.db.query(ATTEMPT).create({
      data: { postId: post.id, userId: caller.userId, questions, answers: null, publishedAt: new Date() },
    });
    return {
      id: attempt.id,
      post: { documentId: postDocumentId },
      questions: questionsForStudent(questions),
      createdAt: new Date(attempt.createdAt).toISOString(),
      submittedAt: null,
    };
  },

  /** POST /post-attempts/:id/submit { answers }: the score and per-question results with the answers. */
  async submit(caller: Caller, attemptId: number, answersInput: unknown) {
    const attempt: any = await strapi.db.query(ATTEMPT).findOne({ where: { id: attemptId } });
    if (!attempt || attempt.userId !== caller.userId) throw notFound('Attempt not found');
    if (attempt.submittedAt) throw conflict('This attempt was already submitted', 'already_submitted');
    const questions: AttemptQuestion[] = Array.isArray(attempt.questions) ? attempt.questions : [];
    const answers = parseAnswers(answersInput, questions);
    const score = scoreQuiz(questions, answers, 0);
    const now = new Date();
    // The first submit wins; a concurrent second finds the attempt submitted.
    const { count } = await runSql(
      strapi,
      'UPDATE ?? SET answers = ?, score = ?, max_score = ?, submitted_at = ?, updated_at = ? WHERE id = ? AND submitted_at IS NULL',
      [socialTables(strapi).attempts, JSON.stringify(answers), score.score, score.maxScore, now, now, attemptId]
    );
    if (count === 0) throw conflict('This attempt was already submitted', 'already_submitted');
    const post = await inKnex(strapi, (knex) =>
      knex(socialTables(strapi).posts).select('document_id').where('id', attempt.postId).first()
    );
    return {
      id: attemptId,
      post: post ? { documentId: post.document_id } : null,
      score: score.score,
      maxScore: score.maxScore,
      percent: score.percent,
      results: resultsWithAnswers(questions, score.results),
      submittedAt: now.toISOString(),
    };
  },
});
