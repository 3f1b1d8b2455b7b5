// The job runner's outbox for API admins (the permission matrix gives these actions to the admin role only): dead
// jobs to look into, and to send again once the cause is fixed. src/jobs has the runner.
export default {
  routes: [
    { method: 'GET', path: '/jobs', handler: 'api::jobs.jobs.list', config: { policies: [] } },
    { method: 'POST', path: '/jobs/:id/retry', handler: 'api::jobs.jobs.retry', config: { policies: [] } },
  ],
};
