// Served at the contract's paths (/api/assignments/…, /api/submissions/…, /api/courses/…/gradebook).
const route = (method: string, path: string, handler: string) => ({ method, path, handler, config: { prefix: '' } });

export const assignmentRoutes = [
  route('POST', '/assignments/:documentId/submissions', 'submissions.submit'),
  route('GET', '/assignments/:documentId/submissions', 'submissions.list'),
  route('PUT', '/submissions/:documentId/grade', 'submissions.grade'),
  route('GET', '/submissions/:documentId/history', 'submissions.history'),
  route('GET', '/courses/:documentId/gradebook', 'gradebook.show'),
];
