import { defineJob, type ScheduledRun } from '../../../../../jobs';
import type popularCoursesService from '../services/popular-courses';

export const REFRESH_POPULAR_COURSES = 'enrollment.refresh-popular-courses';

/** Counts the last 30 days' enrollments per course again (GET /courses/popular reads them). Idempotent. */
export const refreshPopularCourses = defineJob<ScheduledRun>(REFRESH_POPULAR_COURSES, async (strapi) => {
  const popular = strapi.plugin('enrollment').service('popular-courses') as ReturnType<typeof popularCoursesService>;
  await popular.refresh(new Date());
});
