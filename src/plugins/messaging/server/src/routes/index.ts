// Served at the contract's paths rather than under /api/messaging.
const route = (method: string, path: string, handler: string) => ({ method, path, handler, config: { prefix: '' } });

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('GET', '/me/notifications', 'notifications.mine'),
      route('POST', '/notifications/read-all', 'notifications.readAll'),
      route('POST', '/notifications/broadcast', 'notifications.broadcast'),
      route('POST', '/notifications/:id/read', 'notifications.read'),

      route('GET', '/me/conversations', 'messages.conversations'),
      route('GET', '/conversations/:userId/messages', 'messages.list'),
      route('POST', '/conversations/:userId/messages', 'messages.send'),

      route('GET', '/lessons/:documentId/comments', 'comments.listForLesson'),
      route('POST', '/lessons/:documentId/comments', 'comments.createForLesson'),
      route('GET', '/assignments/:documentId/comments', 'comments.listForAssignment'),
      route('POST', '/assignments/:documentId/comments', 'comments.createForAssignment'),
      route('GET', '/submissions/:documentId/comments', 'comments.listForSubmission'),
      route('POST', '/submissions/:documentId/comments', 'comments.createForSubmission'),
      route('DELETE', '/comments/:documentId', 'comments.remove'),
      route('POST', '/comments/:documentId/hide', 'comments.hide'),
    ],
  },
};
