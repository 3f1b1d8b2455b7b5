// Served at the contract's paths (/api/quizzes/…, /api/quiz-attempts/…) rather than under /api/grading.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler: `quiz-attempts.${handler}`,
  config: { prefix: '' },
});

export const quizRoutes = [
  route('POST', '/quizzes/:documentId/attempts', 'start'),
  route('POST', '/quiz-attempts/:id/submit', 'submit'),
  route('GET', '/quiz-attempts/:id', 'show'),
  route('GET', '/me/quiz-attempts', 'mine'),
];
