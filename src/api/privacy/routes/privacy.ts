// A user's data (contract, "Trust and privacy"): their export and their erasure; an admin's export for a user.
// `DELETE /users/:id` (an admin erasing a user) is users-permissions' own route, made an erasure in
// src/extensions/users-permissions. src/privacy has the rules.
const route = (method: string, path: string, action: string) => ({
  method,
  path,
  handler: `api::privacy.privacy.${action}`,
  config: { policies: [] },
});

export default {
  routes: [
    route('POST', '/me/data-export', 'requestExport'),
    route('GET', '/me/data-export/:exportId', 'findExport'),
    route('GET', '/me/data-export/:exportId/download', 'downloadExport'),
    route('DELETE', '/me', 'eraseMe'),
    route('POST', '/users/:id/data-export', 'requestExportForUser'),
  ],
};
