import type { Core } from '@strapi/strapi';
import {
  FINANCE_PAGE_ACTIONS,
  LMS_PAGE_ACTIONS,
  MODERATION_PAGE_ACTION,
  SUPPORT_PAGE_ACTION,
} from '../access/admin-route';

/**
 * Admin-panel roles for people who work in the Strapi admin, not through the API (contract, "Roles"): marketers
 * write the blog; teachers edit the courses they teach. Made to match at every boot, like the API roles: a
 * permission ticked by hand on these roles is taken away again.
 */
export const IS_COURSE_TEACHER = { name: 'is-course-teacher', displayName: 'Is a teacher of this course' } as const;
/** Conditions registered without a plugin get the `api::` prefix. */
export const IS_COURSE_TEACHER_UID = `api::${IS_COURSE_TEACHER.name}`;

const EXPLORER = 'plugin::content-manager.explorer';
const CONTENT_ACTIONS = ['create', 'read', 'update', 'delete', 'publish'].map((action) => `${EXPLORER}.${action}`);
const MEDIA_LIBRARY_ACTIONS = [
  'plugin::upload.read',
  'plugin::upload.assets.create',
  'plugin::upload.assets.update',
  'plugin::upload.assets.download',
  'plugin::upload.assets.copy-link',
];

/**
 * The REST cache plugin's admin part reads the cache strategy on every content-manager page, whoever is logged
 * in, and its error path is broken (it calls Strapi 5's useNotification() as a function): refused that read,
 * every Teacher and Marketer page threw a TypeError. Which types are cached is no secret; purging stays with
 * Super Admins.
 */
const REST_CACHE_STRATEGY_READ = 'plugin::rest-cache.cache.read-strategy';

export const BLOG_TYPES = ['api::article.article', 'api::article-category.article-category', 'api::tag.tag'];
export const COURSE_TYPES = [
  'api::course.course',
  'api::lesson.lesson',
  'api::quiz.quiz',
  'api::assignment.assignment',
  'api::announcement.announcement',
  'api::question-bank.question-bank',
];

interface AdminRoleSpec {
  name: string;
  code: string;
  description: string;
  contentTypes: string[];
  conditions: string[];
  otherActions: string[];
}

export const TEACHER_ROLE_CODE = 'lyceum-teacher';
export const FINANCE_ROLE_CODE = 'lyceum-finance';
export const MODERATOR_ROLE_CODE = 'lyceum-moderator';
export const SUPPORT_ROLE_CODE = 'lyceum-support';
/** What the Finance role edits in the content manager: the coupons, nothing about courses, users or settings. */
export const FINANCE_TYPES = ['api::coupon.coupon'];

export const ADMIN_ROLES: AdminRoleSpec[] = [
  {
    name: 'Marketer',
    code: 'lyceum-marketer',
    description: 'Writes and publishes the blog; uses the media library',
    contentTypes: BLOG_TYPES,
    conditions: [],
    otherActions: [...MEDIA_LIBRARY_ACTIONS, REST_CACHE_STRATEGY_READ],
  },
  {
    name: 'Teacher',
    code: TEACHER_ROLE_CODE,
    description:
      'Edits the courses they teach (matched by email to the course teachers) and their content; grades their work',
    contentTypes: COURSE_TYPES,
    conditions: [IS_COURSE_TEACHER_UID],
    // The LMS pages; which courses they show is decided per request by the course's teachers, not here.
    otherActions: [...Object.values(LMS_PAGE_ACTIONS).map((action) => action.id), REST_CACHE_STRATEGY_READ],
  },
  {
    name: 'Finance',
    code: FINANCE_ROLE_CODE,
    description: 'Finds, opens and refunds orders (the Orders page); manages coupons',
    contentTypes: FINANCE_TYPES,
    conditions: [],
    otherActions: [...Object.values(FINANCE_PAGE_ACTIONS).map((action) => action.id), REST_CACHE_STRATEGY_READ],
  },
  {
    name: 'Moderator',
    code: MODERATOR_ROLE_CODE,
    description: 'Reviews reported posts and hides or restores them (the Moderation page); edits no content',
    contentTypes: [],
    conditions: [],
    otherActions: [MODERATION_PAGE_ACTION.id],
  },
  {
    name: 'Support',
    code: SUPPORT_ROLE_CODE,
    description: 'Answers support tickets: the inbox, assign, reply and close (the Support page); edits no content',
    contentTypes: [],
    conditions: [],
    otherActions: [SUPPORT_PAGE_ACTION.id],
  },
];

/**
 * The filter "this admin user teaches the entry's course", per content type. An admin user and a course's
 * teachers (users-permissions users) are different accounts: the email is what they share. A quiz hangs on a
 * lesson or, as a final test, on the course itself.
 */
export function courseTeacherFilter(subject: string | undefined, email: string): Record<string, unknown> | boolean {
  const teaches = (path: string) => ({ [`${path}teachers.email`]: email });
  switch (subject) {
    case 'api::course.course':
      return teaches('');
    case 'api::lesson.lesson':
    case 'api::assignment.assignment':
    case 'api::announcement.announcement':
    case 'api::question-bank.question-bank':
      return teaches('course.');
    case 'api::quiz.quiz':
      return { $or: [teaches('course.'), teaches('lesson.course.')] };
    default:
      return false;
  }
}

/** In bootstrap: conditions can only be registered before Strapi finishes loading. */
export async function registerCourseTeacherCondition(strapi: Core.Strapi): Promise<void> {
  await strapi.service('admin::permission').conditionProvider.register({
    ...IS_COURSE_TEACHER,
    // The engine passes the admin user merged with the permission being evaluated.
    handler: (user: { email?: string; permission?: { subject?: string } }) =>
      user.email ? courseTeacherFilter(user.permission?.subject, user.email.toLowerCase()) : false,
  });
}

interface Action {
  actionId: string;
  subjects?: string[];
  options?: { applyToProperties?: string[] };
}

async function permissionsFor(strapi: Core.Strapi, spec: AdminRoleSpec) {
  const { actionProvider } = strapi.service('admin::permission');
  const contentTypeService = strapi.service('admin::content-type');
  const locales: string[] = (await strapi.plugin('i18n').service('locales').find()).map(
    (locale: { code: string }) => locale.code
  );
  const permissions: Array<Record<string, unknown>> = [];
  for (const actionId of CONTENT_ACTIONS) {
    const action = actionProvider.get(actionId) as Action;
    const applies = action.options?.applyToProperties ?? [];
    // `publish` exists only for draft-and-publish types (tags have none).
    for (const subject of spec.contentTypes.filter((uid) => action.subjects?.includes(uid))) {
      const model = strapi.contentTypes[subject as keyof typeof strapi.contentTypes] as any;
      const properties: Record<string, unknown> = {};
      if (applies.includes('fields'))
        properties.fields = contentTypeService.getNestedFields(model, { components: strapi.components });
      if (applies.includes('locales') && model.pluginOptions?.i18n?.localized) properties.locales = locales;
      permissions.push({ action: actionId, subject, properties, conditions: spec.conditions });
    }
  }
  // An action whose plugin is off (the REST cache with REST_CACHE_ENABLED=false) is not registered: nothing to give.
  for (const actionId of spec.otherActions.filter((id) => actionProvider.get(id)))
    permissions.push({ action: actionId, subject: null, properties: {}, conditions: [] });
  return permissions;
}

/** Creates the roles when missing and sets their permissions to exactly the spec, at every boot. */
export async function ensureAdminRoles(strapi: Core.Strapi): Promise<void> {
  const roleService = strapi.service('admin::role');
  for (const spec of ADMIN_ROLES) {
    // By name too: a role of that name made by hand is taken over rather than duplicated (names are unique).
    let role = await strapi.db
      .query('admin::role')
      .findOne({ where: { $or: [{ code: spec.code }, { name: spec.name }] } });
    if (!role) role = await roleService.create({ name: spec.name, code: spec.code, description: spec.description });
    else if (role.code !== spec.code)
      await strapi.db.query('admin::role').update({ where: { id: role.id }, data: { code: spec.code } });
    await roleService.assignPermissions(role.id, await permissionsFor(strapi, spec));
  }
}
