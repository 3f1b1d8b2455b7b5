// Served at the contract's paths (/api/courses/…, /api/me/…) rather than under /api/enrollment.
const route = (method: string, path: string, handler: string) => ({ method, path, handler: `enrollments.${handler}`, config: { prefix: '' } });

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/courses/:documentId/enrollments', 'enroll'),
      route('DELETE', '/courses/:documentId/enrollments/me', 'cancelMine'),
      route('DELETE', '/courses/:documentId/enrollments/:userId', 'cancelForStudent'),
      route('GET', '/courses/:documentId/students', 'students'),
      route('GET', '/me/enrollments', 'mine'),
      route('GET', '/me/teaching', 'teaching'),
    ],
  },
};
