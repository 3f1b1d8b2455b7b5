// Served at the contract's paths ("Tutor marketplace": Sessions, Settings, Web push) rather than under /api/account.
const route = (method: string, path: string, handler: string, config: Record<string, unknown> = {}) => ({
  method,
  path,
  handler,
  config: { prefix: '', ...config },
});

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('GET', '/me/sessions', 'sessions.list'),
      route('DELETE', '/me/sessions/:id', 'sessions.revoke'),
      route('DELETE', '/me/sessions', 'sessions.revokeOthers'),
      route('GET', '/me/settings', 'settings.read'),
      route('PUT', '/me/settings', 'settings.update'),
      route('GET', '/push/public-key', 'push.publicKey'),
      route('POST', '/me/push-subscriptions', 'push.subscribe'),
      route('DELETE', '/me/push-subscriptions', 'push.unsubscribe'),
    ],
  },
};
