import type { RouteDescription } from '../route-description';
import {
  anyObject,
  array,
  body,
  boolean,
  dateTime,
  documentId,
  envelope,
  integer,
  listEnvelope,
  nullable,
  number,
  object,
  oneOf,
  string,
} from '../schema';

const shownQuestion = object(
  {
    id: integer(),
    type: oneOf('single', 'multiple', 'true_false', 'short_text', 'numeric'),
    prompt: string(),
    points: number(),
    options: array(object({ id: integer(), text: string() })),
  },
  ['options', 'points']
);

const attempt = object(
  {
    id: integer(),
    quiz: documentId(),
    attemptNumber: integer(),
    status: oneOf('in_progress', 'submitted', 'expired'),
    startedAt: dateTime(),
    expiresAt: nullable(dateTime()),
    submittedAt: nullable(dateTime()),
    attemptsUsed: integer(),
    maxAttempts: nullable(integer()),
    questions: array(shownQuestion),
    score: nullable(number()),
    maxScore: nullable(number()),
    percent: nullable(number()),
    passed: boolean(),
    results: array(anyObject()),
  },
  ['questions', 'score', 'maxScore', 'percent', 'passed', 'results', 'attemptsUsed', 'maxAttempts', 'submittedAt']
);

const answer = body(
  { question: integer(), choices: array(integer()), text: string({ maxLength: 2000 }), number: number() },
  ['choices', 'text', 'number']
);

export const quizRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/quizzes/:documentId/attempts',
    tag: 'Quizzes',
    audience: 'student',
    summary:
      "Start an attempt (an open one is handed back with 200). The quiz's own questions and, for each of its `draws`, " +
      'that many distinct random questions from the named question bank (filtered by tags), kept with the attempt and scored against it',
    status: 201,
    response: envelope(attempt),
    refusals: [
      {
        status: 403,
        reasons: ['attempts_exhausted', 'not_enrolled', 'lesson_locked', 'not_released', 'access_expired'],
      },
    ],
  },
  {
    method: 'POST',
    path: '/quiz-attempts/:id/submit',
    tag: 'Quizzes',
    audience: 'student',
    summary: 'Submit the answers once',
    requestBody: body({ answers: array(answer) }),
    status: 200,
    response: envelope(
      object(
        { score: number(), maxScore: number(), percent: number(), passed: boolean(), results: array(anyObject()) },
        ['results']
      )
    ),
    refusals: [
      { status: 403, reasons: ['not_your_attempt'] },
      { status: 409, reasons: ['already_submitted', 'attempt_expired'] },
    ],
  },
  {
    method: 'GET',
    path: '/quiz-attempts/:id',
    tag: 'Quizzes',
    audience: 'student',
    summary: 'One of your attempts, with results as the review policy allows',
    status: 200,
    response: envelope(attempt),
  },
  {
    method: 'GET',
    path: '/me/quiz-attempts',
    tag: 'Quizzes',
    audience: 'signed in',
    summary: "The caller's attempts of a quiz",
    query: { quiz: documentId() },
    status: 200,
    response: listEnvelope(attempt),
  },
];

export const quizAttemptSchema = attempt;
