/**
 * The admin panel's grading pages, served under /grading (admin JWT). Every route needs its admin action
 * (Super Admin has all; the Teacher admin role is given both in src/bootstrap/admin-roles.ts); which courses
 * the caller may see is then the API's ownership rule, through adminCaller.
 */
export const GRADE_ACTION = 'plugin::grading.queue.grade';
export const QUIZ_PREVIEW_ACTION = 'plugin::grading.quiz.preview';

const route = (method: string, path: string, handler: string, action: string) => ({
  method,
  path,
  handler: `admin-grading.${handler}`,
  config: { policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }] },
});

export const adminRoutes = [
  route('GET', '/courses', 'courses', GRADE_ACTION),
  route('GET', '/queue', 'queue', GRADE_ACTION),
  route('GET', '/queue/:documentId', 'show', GRADE_ACTION),
  route('POST', '/queue/:documentId/grade', 'grade', GRADE_ACTION),
  route('GET', '/quiz-preview/:documentId', 'quizPreview', QUIZ_PREVIEW_ACTION),
];
