import type { Core } from '@strapi/strapi';

/**
 * Who is a member of a course, as the core's access checks ask it. The enrollment plugin answers (it registers its
 * answer at start-up), so the core never calls a plugin: dependencies run from the plugins to the core.
 */
export interface Membership {
  isMember(userId: number, courseDocumentId: string): Promise<boolean>;
  /** documentIds of the courses a student is a member of. */
  memberCourseDocumentIds(userId: number): Promise<string[]>;
}

const provided = new WeakMap<Core.Strapi, Membership>();

export function provideMembership(strapi: Core.Strapi, membership: Membership): void {
  provided.set(strapi, membership);
}

export function membership(strapi: Core.Strapi): Membership {
  const answer = provided.get(strapi);
  if (!answer) throw new Error('access: no plugin has provided course membership (enrollment registers it)');
  return answer;
}
