/**
 * Routes of the LMS pages in the admin panel. Strapi's own policies let through only a logged-in admin-panel
 * user holding the page's action (Super Admin holds every action; the Teacher role is given these in
 * src/bootstrap/admin-roles.ts). Which courses that user may touch is decided later, by the services, through
 * adminCaller and the same ownership rules the REST API uses.
 */
export function lmsAdminRoutes(action: string) {
  const policies = ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }];
  return (method: string, path: string, handler: string) => ({ method, path, handler, config: { policies } });
}

/** An admin action of a local plugin: its id (`plugin::<pluginName>.<uid>`) and what the action provider registers. */
const pluginAction = (pluginName: string, uid: string, displayName: string) => ({
  id: `plugin::${pluginName}.${uid}`,
  registration: { section: 'plugins', pluginName, uid, displayName },
});

/** The LMS page actions, registered by the owning plugin; the Teacher admin role holds them all. */
export const LMS_PAGE_ACTIONS = {
  enrollments: pluginAction('enrollment', 'manage-enrollments', 'Enrollments page: list, enroll and cancel students'),
  insights: pluginAction('progress', 'read-insights', 'Course insights page'),
  certificates: pluginAction('certificates', 'manage-certificates', 'Certificates page: search, open and revoke'),
  gradingQueue: pluginAction('grading', 'queue.grade', 'Grade submissions'),
  quizPreview: pluginAction('grading', 'quiz.preview', 'Preview quizzes'),
  lessonVideo: pluginAction('media', 'lesson-video', 'Lesson video panel: conversion status, poster and retry'),
};

/**
 * The money pages, registered by the commerce plugin; the Finance admin role holds them, the Teacher role does not
 * (a teacher sees their students, not what anyone paid).
 */
export const FINANCE_PAGE_ACTIONS = {
  orders: pluginAction('commerce', 'manage-orders', 'Orders page: search, open and refund orders'),
};

/** The Audit page's action: Super Admins only (not an LMS page action, so the Teacher role does not get it). */
export const AUDIT_PAGE_ACTION = pluginAction('audit', 'read-audit', 'Audit page: the audit trail');

/**
 * The Moderation page's action (social plugin): reported posts with their reports, hide and restore. The Moderator
 * admin role holds it; Super Admins hold it like every action.
 */
export const MODERATION_PAGE_ACTION = pluginAction(
  'social',
  'moderate-posts',
  'Moderation page: reported posts, hide and restore'
);

/**
 * The Support page's action (support plugin): the ticket inbox by status, assign to me, reply, close. The Support
 * admin role holds it; Super Admins hold it like every action.
 */
export const SUPPORT_PAGE_ACTION = pluginAction(
  'support',
  'manage-tickets',
  'Support page: the ticket inbox, assign, reply and close'
);
