import type { Core } from '@strapi/strapi';

export type LessonRefusal = 'not_enrolled';

export interface LessonAccessFacts {
  isFreePreview: boolean;
  managesCourse: boolean;
  isCourseMember: boolean;
}

/** Who may read a lesson's content (text, video, files): a pure rule over the facts gathered below. */
export function decideLessonAccess(facts: LessonAccessFacts): { allowed: true } | { allowed: false; reason: LessonRefusal } {
  if (facts.isFreePreview || facts.managesCourse || facts.isCourseMember) return { allowed: true };
  return { allowed: false, reason: 'not_enrolled' };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  decideLessonAccess,

  async decide(params: { userId: number | null; courseDocumentId: string | null; isFreePreview: boolean; managesCourse: boolean }) {
    const isCourseMember =
      params.userId !== null && params.courseDocumentId !== null
        ? await strapi.plugin('enrollment').service('enrollments').isMember(params.userId, params.courseDocumentId)
        : false;
    return decideLessonAccess({ isFreePreview: params.isFreePreview, managesCourse: params.managesCourse, isCourseMember });
  },
});
