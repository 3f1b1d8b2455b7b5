// The audit trail for API admins (the permission matrix gives this action to the admin role only). Read-only: there
// is no route that updates or deletes an event (src/audit; the database refuses both too).
export default {
  routes: [{ method: 'GET', path: '/audit-events', handler: 'api::audit.audit.list', config: { policies: [] } }],
};
