import type { Core } from '@strapi/strapi';
import { assertCanManageCourse } from '../access/ownership';
import { callerFrom } from '../access/roles';

/** Course update/delete: admins, or a teacher listed in the course's teachers. */
export default async (policyContext: any, _config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  await assertCanManageCourse(strapi, callerFrom(policyContext.state), policyContext.params.id);
  return true;
};
