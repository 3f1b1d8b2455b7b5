// Served at the contract's paths (/api/lessons/…, /api/courses/…) rather than under /api/progress.
const route = (method: string, path: string, handler: string) => ({ method, path, handler: `progress.${handler}`, config: { prefix: '' } });

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/lessons/:documentId/complete', 'complete'),
      route('PUT', '/lessons/:documentId/position', 'savePosition'),
      route('GET', '/courses/:documentId/outline', 'outline'),
    ],
  },
};
