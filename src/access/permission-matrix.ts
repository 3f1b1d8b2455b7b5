import type { RoleType } from './roles';

/**
 * The contract's permission matrix as users-permissions actions. Route-level only: ownership, enrollment
 * and publication are checked by policies and services on top of it.
 */
const read = (uid: string) => [`${uid}.find`, `${uid}.findOne`];
const write = (uid: string) => [`${uid}.create`, `${uid}.update`, `${uid}.delete`];
const up = (action: string) => `plugin::users-permissions.${action}`;

const AUTH_FOR_EVERYONE = [
  'auth.callback',
  'auth.connect',
  'auth.forgotPassword',
  'auth.resetPassword',
  'auth.register',
  'auth.emailConfirmation',
  'auth.sendEmailConfirmation',
  'auth.refresh',
].map(up);
const AUTH_SIGNED_IN = [
  'auth.logout',
  'auth.getSessions',
  'auth.revokeSession',
  'auth.changePassword',
  'user.me',
  'user.updateMe',
].map(up);
// One's own data: its export (to oneself only) and the account's erasure.
const OWN_DATA = [
  'api::privacy.privacy.requestExport',
  'api::privacy.privacy.findExport',
  'api::privacy.privacy.downloadExport',
  'api::privacy.privacy.eraseMe',
];

const CATALOG = ['course', 'category', 'tag', 'lesson', 'announcement', 'article', 'article-category'].flatMap((name) =>
  read(`api::${name}.${name}`)
);
// A lesson's video plays under the lesson's own rules (free previews for visitors too).
CATALOG.push('api::lesson.lesson.playback');
const COURSE_MEMBER_READS = [...read('api::quiz.quiz'), ...read('api::assignment.assignment')];
const COURSE_AUTHORING = ['course', 'lesson', 'quiz', 'assignment', 'announcement'].flatMap((name) =>
  write(`api::${name}.${name}`)
);
// A course's question banks hold the answer key of its random draws: its owners' (and admins') only.
const QUESTION_BANKS = [...read('api::question-bank.question-bank'), ...write('api::question-bank.question-bank')];
const SITE_EDITING = ['category', 'tag', 'article', 'article-category'].flatMap((name) =>
  write(`api::${name}.${name}`)
);
const USER_MANAGEMENT = ['user.find', 'user.findOne', 'user.count', 'user.create', 'user.update', 'user.destroy'].map(
  up
);

// Public reads served by the plugins: course outlines and certificate verification.
const PUBLIC_PLUGIN_READS = ['plugin::progress.progress.outline', 'plugin::certificates.certificates.verify'];
// Public blog reads beyond the core ones: an article by slug, related articles.
const BLOG_READS = ['api::article.article.findBySlug', 'api::article.article.related'];
PUBLIC_PLUGIN_READS.push(...BLOG_READS);
// Search finds only what is public anyway (the index holds visible documents only); popular courses likewise.
const DISCOVERY = ['plugin::search.search.search', 'plugin::search.search.suggest', 'api::course.course.popular'];
PUBLIC_PLUGIN_READS.push(...DISCOVERY);
const LEARNING = [
  'plugin::enrollment.enrollments.enroll',
  'plugin::enrollment.enrollments.cancelMine',
  'plugin::enrollment.enrollments.mine',
  'plugin::enrollment.waitlists.join',
  'plugin::enrollment.waitlists.leave',
  'plugin::enrollment.waitlists.accept',
  'plugin::enrollment.waitlists.mine',
  'plugin::progress.progress.complete',
  'plugin::progress.progress.savePosition',
  'plugin::certificates.certificates.mine',
  'plugin::certificates.certificates.pdf',
  'plugin::grading.quiz-attempts.start',
  'plugin::grading.quiz-attempts.submit',
  'plugin::grading.quiz-attempts.show',
  'plugin::grading.quiz-attempts.mine',
  'plugin::grading.submissions.submit',
  'plugin::grading.submissions.list',
  'plugin::grading.submissions.history',
];
// Ownership of the course is checked in the services: the route only admits the role.
const COURSE_STAFF = [
  'plugin::enrollment.enrollments.students',
  'plugin::enrollment.enrollments.cancelForStudent',
  'plugin::enrollment.enrollments.teaching',
  'plugin::certificates.certificates.issue',
  'plugin::certificates.certificates.revoke',
  'plugin::grading.submissions.grade',
  'plugin::grading.gradebook.show',
];

// Signed-in users upload (submission files, avatars, course media) and replace or delete their own uploads;
// src/uploads/upload-guard.ts checks ownership. Listing or reading file records by id would show other
// students' submissions, so that stays with admins.
const UPLOADING = ['plugin::upload.content-api.upload', 'plugin::upload.content-api.destroy'];
// One's own uploaded videos: their conversion (src/media checks the uploader; admins see all).
const OWN_VIDEOS = ['api::video.video.show', 'api::video.video.retry'];
// Resumable (tus) uploads: each upload is its creator's (src/uploads/resumable.ts).
const RESUMABLE_UPLOADS = ['create', 'offset', 'append', 'cancel'].map(
  (action) => `api::resumable-upload.resumable-upload.${action}`
);
const FILE_LIBRARY = ['plugin::upload.content-api.find', 'plugin::upload.content-api.findOne'];

// Community: reviews, teacher profiles and course news are public reads; the contact form is public too
// (its action is `submit`: the public creates nothing through the content API).
const COMMUNITY_PUBLIC = [
  'plugin::community.reviews.list',
  'plugin::community.teachers.list',
  'plugin::community.teachers.show',
  'plugin::community.announcements.list',
  'plugin::community.feedback.submit',
];
// Whether the caller took the course (reviews) or wrote the review is checked in the service.
const COMMUNITY_SIGNED_IN = [
  'plugin::community.reviews.create',
  'plugin::community.reviews.update',
  'plugin::community.reviews.remove',
  'plugin::community.favorites.add',
  'plugin::community.favorites.remove',
  'plugin::community.favorites.mine',
];
const COMMUNITY_STAFF = ['plugin::community.announcements.create'];

// Notifications, direct messages and comments: every signed-in role; who may write where is the services' call.
const MESSAGING = [
  'plugin::messaging.notifications.mine',
  'plugin::messaging.notifications.read',
  'plugin::messaging.notifications.readAll',
  'plugin::messaging.messages.conversations',
  'plugin::messaging.messages.list',
  'plugin::messaging.messages.send',
  'plugin::messaging.comments.listForLesson',
  'plugin::messaging.comments.createForLesson',
  'plugin::messaging.comments.listForAssignment',
  'plugin::messaging.comments.createForAssignment',
  'plugin::messaging.comments.listForSubmission',
  'plugin::messaging.comments.createForSubmission',
  'plugin::messaging.comments.remove',
  'plugin::messaging.comments.hide',
];
// Social learning: public posts, threads and follower lists are public reads (who may see which post is the
// services' call); writing, liking, following, the feed, quiz attempts and reports need a signed-in user; hiding
// and restoring posts and comments and the reported lists are admins'.
const SOCIAL_PUBLIC = [
  'plugin::social.posts.show',
  // A video post's video plays under the post's own visibility (public posts for visitors too).
  'plugin::social.posts.playback',
  'plugin::social.posts.byUser',
  'plugin::social.follows.followers',
  'plugin::social.follows.following',
  'plugin::social.reactions.listComments',
];
const SOCIAL_SIGNED_IN = [
  ...SOCIAL_PUBLIC,
  'plugin::social.posts.create',
  'plugin::social.posts.update',
  'plugin::social.posts.remove',
  'plugin::social.posts.mine',
  'plugin::social.follows.follow',
  'plugin::social.follows.unfollow',
  'plugin::social.reactions.likePost',
  'plugin::social.reactions.unlikePost',
  'plugin::social.reactions.likeComment',
  'plugin::social.reactions.unlikeComment',
  'plugin::social.reactions.createComment',
  'plugin::social.reactions.removeComment',
  'plugin::social.feed.feed',
  'plugin::social.quiz-posts.start',
  'plugin::social.quiz-posts.submit',
  'plugin::social.moderation.report',
  'plugin::social.moderation.reportComment',
];
const SOCIAL_MODERATION = [
  'plugin::social.moderation.hide',
  'plugin::social.moderation.restore',
  'plugin::social.moderation.hideComment',
  'plugin::social.moderation.restoreComment',
  'plugin::social.moderation.reported',
];
// Task requests (marketplace): every signed-in role reaches the routes; the services decide (students post and
// accept, tutors offer, each reads what it may).
const TASKS = [
  'plugin::marketplace.tasks.create',
  'plugin::marketplace.tasks.list',
  'plugin::marketplace.tasks.show',
  'plugin::marketplace.tasks.matches',
  'plugin::marketplace.tasks.offer',
  'plugin::marketplace.tasks.accept',
  'plugin::marketplace.tasks.complete',
  'plugin::marketplace.tasks.cancel',
];
// The support desk: every signed-in role writes tickets and reads its own; who sees which ticket, and what staff
// (admins and the `support` role) may do beyond that, is the service's call.
const SUPPORT_DESK = [
  'plugin::support.tickets.create',
  'plugin::support.tickets.list',
  'plugin::support.tickets.show',
  'plugin::support.tickets.messages',
  'plugin::support.tickets.reply',
  'plugin::support.tickets.close',
];
// Staff only: taking a ticket ("assign to me").
const SUPPORT_STAFF = ['plugin::support.tickets.assign'];
const NOTIFICATION_BROADCAST = ['plugin::messaging.notifications.broadcast'];
// Tutor marketplace: tutor profiles, their intro videos and reviews are public reads; saving a profile (teachers:
// the service refuses the others with `not_a_teacher`) and reviewing (verified clients) need a signed-in user.
const TUTORS_PUBLIC = [
  'plugin::marketplace.tutor-profiles.list',
  'plugin::marketplace.tutor-profiles.show',
  'plugin::marketplace.tutor-profiles.introPlayback',
  'plugin::marketplace.tutor-reviews.list',
  'plugin::marketplace.tutor-reviews.best',
];
const TUTORS_SIGNED_IN = [
  ...TUTORS_PUBLIC,
  'plugin::marketplace.tutor-profiles.upsert',
  'plugin::marketplace.tutor-profiles.mine',
  'plugin::marketplace.tutor-reviews.create',
];
// Commerce: every signed-in role buys for itself (the order's buyer is the caller; reading and cancelling check it).
// Refunds, the sales figures and coupons (core REST) are admins'. Payment webhooks and the sandbox's checkout page
// carry no token (routes with auth: false): providers prove themselves by signature or address.
const BUYING = [
  'plugin::commerce.orders.create',
  'plugin::commerce.orders.mine',
  'plugin::commerce.orders.findOne',
  'plugin::commerce.orders.cancel',
];
const COMMERCE_ADMINISTRATION = [
  'plugin::commerce.orders.refund',
  'plugin::commerce.reports.sales',
  ...read('api::coupon.coupon'),
  ...write('api::coupon.coupon'),
];
// The job runner's dead letters: seen and retried by admins only.
const JOB_ADMINISTRATION = ['api::jobs.jobs.list', 'api::jobs.jobs.retry'];
// The audit trail: admins read it; nobody writes it through the API.
const AUDIT_READING = ['api::audit.audit.list'];
// The account (sessions, settings, push subscriptions): every signed-in role, about itself; the VAPID public key is
// public.
const ACCOUNT_PUBLIC = ['plugin::account.push.publicKey'];
const ACCOUNT = [
  ...ACCOUNT_PUBLIC,
  'plugin::account.sessions.list',
  'plugin::account.sessions.revoke',
  'plugin::account.sessions.revokeOthers',
  'plugin::account.settings.read',
  'plugin::account.settings.update',
  'plugin::account.push.subscribe',
  'plugin::account.push.unsubscribe',
];
// Staff exports a user's data for them (the user downloads it).
const DATA_EXPORT_FOR_USERS = ['api::privacy.privacy.requestExportForUser'];

const student = [
  ...AUTH_FOR_EVERYONE,
  ...AUTH_SIGNED_IN,
  ...OWN_DATA,
  ...CATALOG,
  ...PUBLIC_PLUGIN_READS,
  ...COURSE_MEMBER_READS,
  ...LEARNING,
  ...UPLOADING,
  ...OWN_VIDEOS,
  ...RESUMABLE_UPLOADS,
  ...COMMUNITY_PUBLIC,
  ...COMMUNITY_SIGNED_IN,
  ...MESSAGING,
  ...BUYING,
  ...SOCIAL_SIGNED_IN,
  ...TASKS,
  ...TUTORS_SIGNED_IN,
  ...SUPPORT_DESK,
  ...ACCOUNT,
];
const teacher = [...student, ...COURSE_AUTHORING, ...QUESTION_BANKS, ...COURSE_STAFF, ...COMMUNITY_STAFF];

export const PERMISSION_MATRIX: Record<RoleType, string[]> = {
  public: [
    ...AUTH_FOR_EVERYONE,
    ...CATALOG,
    ...PUBLIC_PLUGIN_READS,
    ...COMMUNITY_PUBLIC,
    ...SOCIAL_PUBLIC,
    ...TUTORS_PUBLIC,
    ...ACCOUNT_PUBLIC,
  ],
  student,
  teacher,
  admin: [
    ...teacher,
    ...SITE_EDITING,
    ...USER_MANAGEMENT,
    ...FILE_LIBRARY,
    ...NOTIFICATION_BROADCAST,
    ...JOB_ADMINISTRATION,
    ...AUDIT_READING,
    ...DATA_EXPORT_FOR_USERS,
    ...COMMERCE_ADMINISTRATION,
    ...SOCIAL_MODERATION,
    ...SUPPORT_STAFF,
  ],
  // Support staff: a signed-in user's rights and the support desk's staff side, nothing of teaching or admin.
  support: [...student, ...SUPPORT_STAFF],
};

export const ROLE_NAMES: Record<RoleType, { name: string; description: string }> = {
  public: { name: 'Public', description: 'Visitors without a token' },
  student: { name: 'Student', description: 'Learners; what registration gives' },
  teacher: { name: 'Teacher', description: 'Course authors; manage the courses they teach' },
  admin: { name: 'Admin', description: 'API administrators: every course, users and site content' },
  support: { name: 'Support', description: 'Support staff: read and answer every support ticket' },
};
