import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { findCourseOfContent } from '../../../../../access/ownership';
import { conflict, Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import { mayReview, questionsForStudent, resultsWithAnswers, type ReviewPolicy } from '../rules/answer-visibility';
import { attemptQuestions, type QuestionComponent } from '../rules/attempt-questions';
import { parseDraws, type QuestionDraw } from '../rules/question-draws';
import { parseAnswers, scoreQuiz, type AttemptQuestion } from '../rules/score-quiz';
import type questionBanksService from './question-banks';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import { insertOnceWithUser, keyStartsWith, runSql, toIsoOrNull } from '../../../../../access/raw-sql';
import { tableOf } from '../../../../../database/tables';
import { effectiveStatus as enrollmentStatus, enrollments } from '../../../../enrollment/server/src/facade';
import { lessonProgress, lessonRefusal } from '../../../../progress/server/src/facade';

const QUIZ = 'api::quiz.quiz';
const ATTEMPT = 'plugin::grading.quiz-attempt';
/** Network slack after the time limit: an answer sent on the last second still counts. */
const SUBMIT_GRACE_MS = 5_000;

export interface QuizSettings {
  documentId: string;
  locale: string;
  title: string;
  questions: QuestionComponent[];
  /** Random questions from the course's banks, added to `questions` afresh for each attempt. */
  draws: QuestionDraw[];
  passingPercent: number;
  maxAttempts: number | null;
  timeLimitSeconds: number | null;
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  reviewPolicy: ReviewPolicy;
  lessonDocumentId: string | null;
  courseDocumentId: string;
}

interface AttemptRow {
  id: number;
  key: string;
  quizDocumentId: string;
  courseDocumentId: string | null;
  locale: string | null;
  attemptNumber: number;
  status: 'in_progress' | 'submitted' | 'expired';
  startedAt: string;
  expiresAt: string | null;
  submittedAt: string | null;
  questions: AttemptQuestion[] | null;
  answers: unknown;
  score: number | string | null;
  maxScore: number | string | null;
  percent: number | string | null;
  passed: boolean;
}

const attemptKey = (userId: number, quizDocumentId: string, attemptNumber: number) =>
  `${userId}:${quizDocumentId}:${attemptNumber}`;
/** What counting and reviewing earlier attempts needs: no questions or answers, which grow with every attempt. */
type AttemptSummary = Pick<AttemptRow, 'id' | 'attemptNumber' | 'status' | 'expiresAt' | 'passed'>;
const ATTEMPT_COLUMNS =
  'id, "key", quiz_document_id, course_document_id, locale, attempt_number, status, started_at, expires_at, submitted_at, questions, answers, score, max_score, percent, passed';
const SUMMARY_COLUMNS = 'id, attempt_number, status, expires_at, passed';
/** JSON columns read raw: parsed by pg (jsonb), text on SQLite. */
const fromJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? null));

function summaryFromRow(row: Record<string, unknown>): AttemptSummary {
  return {
    id: Number(row.id),
    attemptNumber: Number(row.attempt_number),
    status: row.status as AttemptRow['status'],
    expiresAt: toIsoOrNull(row.expires_at),
    passed: Boolean(row.passed),
  };
}

function attemptFromRow(row: Record<string, unknown>): AttemptRow {
  return {
    ...summaryFromRow(row),
    key: row.key as string,
    quizDocumentId: row.quiz_document_id as string,
    courseDocumentId: (row.course_document_id as string | null) ?? null,
    locale: (row.locale as string | null) ?? null,
    startedAt: toIsoOrNull(row.started_at)!,
    submittedAt: toIsoOrNull(row.submitted_at),
    questions: fromJson(row.questions),
    answers: fromJson(row.answers),
    score: row.score as AttemptRow['score'],
    maxScore: row.max_score as AttemptRow['maxScore'],
    percent: row.percent as AttemptRow['percent'],
  };
}
const attemptOwner = (attempt: { key?: string | null }): number | null =>
  attempt.key ? Number(attempt.key.slice(0, attempt.key.indexOf(':'))) : null;
const toNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
/** An attempt past its time limit is over, whether or not anyone has marked it yet. */
const hasRunOut = (attempt: Pick<AttemptRow, 'expiresAt'>, now: Date, graceMs = 0) =>
  attempt.expiresAt !== null && now.getTime() > new Date(attempt.expiresAt).getTime() + graceMs;

const questionBanks = (strapi: Core.Strapi) =>
  strapi.plugin('grading').service('question-banks') as ReturnType<typeof questionBanksService>;

const effectiveStatus = (attempt: AttemptRow, now: Date) =>
  attempt.status === 'in_progress' && hasRunOut(attempt, now, SUBMIT_GRACE_MS) ? 'expired' : attempt.status;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The published quiz in the wanted locale (English, then any, when it has no such translation); shared, never mutated. */
  loadQuiz(quizDocumentId: string, locale?: string): Promise<QuizSettings> {
    return rememberCourseStructure(strapi, `quiz:${quizDocumentId}:${locale ?? 'en'}`, () =>
      this.readQuiz(quizDocumentId, locale)
    );
  },

  async readQuiz(quizDocumentId: string, locale?: string): Promise<QuizSettings> {
    const rows = await strapi.db.query(QUIZ).findMany({
      where: { documentId: quizDocumentId, publishedAt: { $notNull: true } },
      select: ['id', 'locale'],
    });
    if (rows.length === 0) throw new errors.NotFoundError('Quiz not found');
    const locales = rows.map((row: { locale: string }) => row.locale);
    const chosen = [locale, 'en', ...locales].find((candidate) => candidate && locales.includes(candidate))!;
    const quiz: any = await strapi.documents(QUIZ).findOne({
      documentId: quizDocumentId,
      locale: chosen,
      status: 'published',
      populate: { questions: { populate: { options: true } } },
    });
    const courseDocumentId = await findCourseOfContent(strapi, QUIZ, quizDocumentId);
    if (!quiz || !courseDocumentId) throw new errors.NotFoundError('Quiz not found');
    const lessonRows = await strapi.db.query(QUIZ).findMany({
      where: { documentId: quizDocumentId },
      select: ['id'],
      populate: { lesson: { select: ['documentId'] } },
    });
    const lessonDocumentId =
      lessonRows.find((row: { lesson?: { documentId: string } }) => row.lesson)?.lesson?.documentId ?? null;
    return {
      documentId: quizDocumentId,
      locale: chosen,
      title: quiz.title,
      questions: quiz.questions ?? [],
      draws: parseDraws(quiz.draws).draws,
      passingPercent: quiz.passingPercent ?? 70,
      maxAttempts: quiz.maxAttempts ?? null,
      timeLimitSeconds: quiz.timeLimitSeconds ?? null,
      shuffleQuestions: Boolean(quiz.shuffleQuestions),
      shuffleOptions: Boolean(quiz.shuffleOptions),
      reviewPolicy: quiz.reviewPolicy ?? 'after_submit',
      lessonDocumentId,
      courseDocumentId,
    };
  },

  /** A student may take a quiz of a course they are a member of, once its lesson is open to them. */
  async assertMayTake(caller: Caller, quiz: QuizSettings, now: Date) {
    // A lesson's quiz: the lesson check reads the enrollment too, once for both.
    const lessonAccess = quiz.lessonDocumentId
      ? await lessonProgress(strapi).checkLessonAccess(caller, quiz.lessonDocumentId, now)
      : null;
    const status = lessonAccess
      ? (lessonAccess.learner.enrollment?.status ?? null)
      : await enrollments(strapi)
          .findEnrollment(caller.userId!, quiz.courseDocumentId)
          .then((enrollment) => (enrollment ? enrollmentStatus(enrollment, now) : null));
    if (!status || status === 'cancelled') throw lessonRefusal('not_enrolled', 'take_quiz');
    if (status === 'expired') throw lessonRefusal('access_expired', 'take_quiz');
    if (lessonAccess && !lessonAccess.decision.allowed) throw lessonRefusal(lessonAccess.decision.reason, 'take_quiz');
  },

  /**
   * A student's attempts at a quiz, oldest first, found by the key rather than through the user relation: the
   * link row is written with the attempt row, but the key is what the unique index settles races on.
   */
  async attemptsOf(userId: number, quizDocumentId: string): Promise<AttemptSummary[]> {
    const ofStudentAndQuiz = keyStartsWith(strapi, `${userId}:${quizDocumentId}:`);
    const { rows } = await runSql(
      strapi,
      `SELECT ${SUMMARY_COLUMNS} FROM ?? WHERE ${ofStudentAndQuiz.condition} ORDER BY attempt_number`,
      [tableOf(strapi, ATTEMPT), ...ofStudentAndQuiz.bindings]
    );
    return rows.map(summaryFromRow);
  },

  async findAttempt(attemptId: number): Promise<AttemptRow | null> {
    const { rows } = await runSql(strapi, `SELECT ${ATTEMPT_COLUMNS} FROM ?? WHERE id = ?`, [
      tableOf(strapi, ATTEMPT),
      attemptId,
    ]);
    return rows.length ? attemptFromRow(rows[0]) : null;
  },

  /**
   * POST /quizzes/:documentId/attempts. An open attempt is handed back rather than a second one started,
   * so a double click does not burn an attempt; the unique key settles two starts racing.
   */
  async start(caller: Caller, quizDocumentId: string, locale: string | undefined, now: Date) {
    const quiz = await this.loadQuiz(quizDocumentId, locale);
    await this.assertMayTake(caller, quiz, now);
    const userId = caller.userId!;

    for (let tries = 0; tries < 5; tries += 1) {
      const attempts = await this.attemptsOf(userId, quizDocumentId);
      const open = attempts.find((attempt) => attempt.status === 'in_progress');
      if (open && !hasRunOut(open, now)) {
        const openAttempt = await this.findAttempt(open.id);
        if (openAttempt) return { created: false, attempt: this.present(openAttempt, quiz, attempts, now) };
        continue;
      }
      if (open) await this.closeAsExpired(open.id);
      if (quiz.maxAttempts !== null && attempts.length >= quiz.maxAttempts) {
        throw new Refusal(`All ${quiz.maxAttempts} attempts of this quiz are used`, 'attempts_exhausted');
      }
      if (quiz.questions.length === 0 && quiz.draws.length === 0)
        throw new errors.ApplicationError('This quiz has no questions yet');

      // The drawn questions are copied into the attempt with the fixed ones: it is scored against what it showed.
      const drawn = await questionBanks(strapi).draw(quiz.draws);
      const questions = attemptQuestions([...quiz.questions, ...drawn], quiz);
      if (questions.length === 0) throw new errors.ApplicationError('This quiz has no questions yet');
      const attempt: AttemptRow = {
        id: 0,
        key: attemptKey(userId, quizDocumentId, attempts.length + 1),
        quizDocumentId,
        courseDocumentId: quiz.courseDocumentId,
        locale: quiz.locale,
        attemptNumber: attempts.length + 1,
        status: 'in_progress',
        startedAt: now.toISOString(),
        expiresAt: quiz.timeLimitSeconds ? new Date(now.getTime() + quiz.timeLimitSeconds * 1000).toISOString() : null,
        submittedAt: null,
        questions,
        answers: null,
        score: null,
        maxScore: questions.reduce((sum, question) => sum + question.points, 0),
        percent: null,
        passed: false,
      };
      const id = await insertOnceWithUser(
        strapi,
        ATTEMPT,
        {
          key: attempt.key,
          quiz_document_id: attempt.quizDocumentId,
          course_document_id: attempt.courseDocumentId,
          locale: attempt.locale,
          attempt_number: attempt.attemptNumber,
          status: attempt.status,
          started_at: now,
          expires_at: attempt.expiresAt ? new Date(attempt.expiresAt) : null,
          questions: JSON.stringify(attempt.questions),
          max_score: attempt.maxScore,
          passed: false,
        },
        userId,
        now
      );
      // Null: another request started this attempt number first; look again and hand that one back.
      if (id !== null)
        return {
          created: true,
          attempt: this.present({ ...attempt, id }, quiz, [...attempts, { ...attempt, id }], now),
        };
    }
    throw new errors.ApplicationError('Could not start an attempt; try again');
  },

  async closeAsExpired(attemptId: number) {
    await strapi.db.query(ATTEMPT).updateMany({
      where: { id: attemptId, status: 'in_progress' },
      data: { status: 'expired', score: 0, percent: 0, passed: false },
    });
  },

  async findOwnAttempt(caller: Caller, attemptId: number): Promise<AttemptRow> {
    const attempt = await this.findAttempt(attemptId);
    if (!attempt) throw new errors.NotFoundError('Attempt not found');
    // The key starts with the student's id, set once by start (and what attemptsOf lists by): no link read.
    if (attemptOwner(attempt) !== caller.userId)
      throw new Refusal("This is another student's attempt", 'not_your_attempt');
    return attempt;
  },

  /**
   * POST /quiz-attempts/:id/submit. The status change from in_progress is one conditional UPDATE, so of
   * two submits racing exactly one scores and the other gets 409.
   */
  async submit(caller: Caller, attemptId: number, rawAnswers: unknown, now: Date) {
    const attempt = await this.findOwnAttempt(caller, attemptId);
    if (attempt.status === 'submitted') throw conflict('This attempt is already submitted', 'already_submitted');
    if (attempt.status === 'expired') throw conflict('The time limit of this attempt has passed', 'attempt_expired');
    const questions = attempt.questions ?? [];

    const answers = parseAnswers(rawAnswers, questions);

    if (hasRunOut(attempt, now, SUBMIT_GRACE_MS)) {
      await this.closeAsExpired(attempt.id);
      throw conflict('The time limit of this attempt has passed; it is closed and counted', 'attempt_expired');
    }

    const quiz = await this.loadQuizForAttempt(attempt);
    const score = scoreQuiz(questions, answers, quiz.passingPercent);
    const changed = await runSql(
      strapi,
      `UPDATE ?? SET status = 'submitted', submitted_at = ?, answers = ?, score = ?, max_score = ?, percent = ?, passed = ?, updated_at = ?
       WHERE id = ? AND status = 'in_progress'`,
      [
        tableOf(strapi, ATTEMPT),
        now,
        JSON.stringify(answers),
        score.score,
        score.maxScore,
        score.percent,
        score.passed,
        now,
        attempt.id,
      ]
    );
    if (changed.count === 0) {
      const current = await this.findOwnAttempt(caller, attemptId);
      if (current.status === 'expired') throw conflict('The time limit of this attempt has passed', 'attempt_expired');
      throw conflict('This attempt is already submitted', 'already_submitted');
    }

    if (score.passed)
      await lessonProgress(strapi).onQuizPassed(caller.userId!, quiz.lessonDocumentId, quiz.courseDocumentId, now);

    // Earlier attempts matter only to "after a pass" when this one failed. No attempt can follow this one
    // while it was open (start hands the open one back), so its number is the count of attempts used.
    const passedBefore =
      quiz.reviewPolicy === 'after_pass' &&
      !score.passed &&
      (await this.attemptsOf(caller.userId!, attempt.quizDocumentId)).some((candidate) => candidate.passed);
    const review = mayReview(quiz.reviewPolicy, {
      passed: score.passed || passedBefore,
      attemptsUsed: attempt.attemptNumber,
      maxAttempts: quiz.maxAttempts,
    });
    return {
      attempt: attempt.id,
      attemptNumber: attempt.attemptNumber,
      score: score.score,
      maxScore: score.maxScore,
      percent: score.percent,
      passed: score.passed,
      passingPercent: quiz.passingPercent,
      ...(review ? { results: resultsWithAnswers(questions, score.results) } : {}),
    };
  },

  /** The quiz settings an attempt is judged by; a quiz unpublished since still lets its open attempts finish. */
  async loadQuizForAttempt(attempt: AttemptRow): Promise<QuizSettings> {
    try {
      return await this.loadQuiz(attempt.quizDocumentId, attempt.locale ?? undefined);
    } catch (error) {
      if (!(error instanceof errors.NotFoundError)) throw error;
      throw new errors.NotFoundError('The quiz of this attempt is no longer published');
    }
  },

  /** GET /quiz-attempts/:id: the questions while open; the score, and answers when the policy allows, after. */
  async show(caller: Caller, attemptId: number, now: Date) {
    const attempt = await this.findOwnAttempt(caller, attemptId);
    const quiz = await this.loadQuizForAttempt(attempt);
    const attempts = await this.attemptsOf(caller.userId!, attempt.quizDocumentId);
    return this.present(attempt, quiz, attempts, now);
  },

  /** An attempt as its student may see it. */
  present(attempt: AttemptRow, quiz: QuizSettings, attempts: AttemptSummary[], now: Date) {
    const status = effectiveStatus(attempt, now);
    const questions = attempt.questions ?? [];
    const base = {
      id: attempt.id,
      quiz: attempt.quizDocumentId,
      attemptNumber: attempt.attemptNumber,
      status,
      startedAt: new Date(attempt.startedAt).toISOString(),
      expiresAt: attempt.expiresAt ? new Date(attempt.expiresAt).toISOString() : null,
      submittedAt: attempt.submittedAt ? new Date(attempt.submittedAt).toISOString() : null,
      attemptsUsed: attempts.length,
      maxAttempts: quiz.maxAttempts,
      questions: questionsForStudent(questions),
    };
    if (status !== 'submitted') return base;
    const review = mayReview(quiz.reviewPolicy, {
      passed: attempts.some((candidate) => candidate.passed),
      attemptsUsed: attempts.length,
      maxAttempts: quiz.maxAttempts,
    });
    const scored = review ? scoreQuiz(questions, (attempt.answers as any[]) ?? [], quiz.passingPercent) : null;
    return {
      ...base,
      score: toNumber(attempt.score),
      maxScore: toNumber(attempt.maxScore),
      percent: toNumber(attempt.percent),
      passed: Boolean(attempt.passed),
      ...(scored ? { answers: attempt.answers, results: resultsWithAnswers(questions, scored.results) } : {}),
    };
  },

  /** GET /me/quiz-attempts?quiz=: a student's attempts, newest first, without questions. */
  async mine(caller: Caller, quizDocumentId: string | undefined, now: Date) {
    const rows: AttemptRow[] = await strapi.db.query(ATTEMPT).findMany({
      where: { user: { id: caller.userId }, ...(quizDocumentId ? { quizDocumentId } : {}) },
      select: [
        'id',
        'quizDocumentId',
        'courseDocumentId',
        'attemptNumber',
        'status',
        'startedAt',
        'expiresAt',
        'submittedAt',
        'score',
        'maxScore',
        'percent',
        'passed',
      ],
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      limit: 500,
    });
    return rows.map((attempt) => {
      const status = effectiveStatus(attempt, now);
      return {
        id: attempt.id,
        quiz: attempt.quizDocumentId,
        course: attempt.courseDocumentId,
        attemptNumber: attempt.attemptNumber,
        status,
        startedAt: new Date(attempt.startedAt).toISOString(),
        expiresAt: attempt.expiresAt ? new Date(attempt.expiresAt).toISOString() : null,
        submittedAt: attempt.submittedAt ? new Date(attempt.submittedAt).toISOString() : null,
        score: status === 'in_progress' ? null : (toNumber(attempt.score) ?? 0),
        maxScore: toNumber(attempt.maxScore),
        percent: status === 'in_progress' ? null : (toNumber(attempt.percent) ?? 0),
        passed: Boolean(attempt.passed),
      };
    });
  },
});
