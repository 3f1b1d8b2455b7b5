import { defineJob, type ScheduledRun } from '../../../../../jobs';
import type enrollmentsService from '../services/enrollments';

export const EXPIRE_FINISHED_ACCESS = 'enrollment.expire-finished-access';

/**
 * Finished access turns into `expired` even when nobody reads it (reads already show it as expired). The sweep is
 * idempotent and takes the time it runs at, so a late or repeated run does no harm.
 */
export const expireFinishedAccess = defineJob<ScheduledRun>(EXPIRE_FINISHED_ACCESS, async (strapi) => {
  const enrollments = strapi.plugin('enrollment').service('enrollments') as ReturnType<typeof enrollmentsService>;
  const expired = await enrollments.expireFinishedAccess(new Date());
  if (expired > 0) strapi.log.info(`enrollment: ${expired} enrollment(s) reached the end of their access`);
});
