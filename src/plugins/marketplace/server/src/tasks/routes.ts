// Task requests, offers and matching (contract "Tutor marketplace"), served at the contract's paths.
const route = (method: string, path: string, handler: string) => ({ method, path, handler, config: { prefix: '' } });

export const taskRoutes = [
  route('POST', '/tasks', 'tasks.create'),
  route('GET', '/tasks', 'tasks.list'),
  route('GET', '/tasks/:documentId', 'tasks.show'),
  route('GET', '/tasks/:documentId/matches', 'tasks.matches'),
  route('POST', '/tasks/:documentId/offers', 'tasks.offer'),
  route('POST', '/tasks/:documentId/complete', 'tasks.complete'),
  route('POST', '/tasks/:documentId/cancel', 'tasks.cancel'),
  route('POST', '/offers/:documentId/accept', 'tasks.accept'),
];
