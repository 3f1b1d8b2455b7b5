import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { findCourseOfContent } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import type { Audience } from '../rules/messaging-rules';
import { defineJob } from '../../../../../jobs';
import { enrollments } from '../../../../enrollment/server/src/facade';

const NOTIFICATION = 'api::notification.notification';
const USER = 'plugin::users-permissions.user';
const COURSE = 'api::course.course';
const LESSON = 'api::lesson.lesson';
const CHUNK = 500;

import type { NotificationMessage } from '../../../../../api/notification/services/notification';

export type { NotificationMessage };

/**
 * `lesson.notify-students`: a lesson's first publication tells the course's current students. The recipients are
 * found when the job runs; `deliveryId`, fixed when the publication enqueued it, makes a retry write no notice twice.
 */
export const lessonNoticeJob = defineJob<{ lessonDocumentId: string; deliveryId: string }>(
  'lesson.notify-students',
  async (strapi, { lessonDocumentId, deliveryId }) => {
    await strapi.plugin('messaging').service('notifications').lessonPublished(lessonDocumentId, deliveryId);
  }
);

export const presentNotification = (row: any) => ({
  id: row.id,
  documentId: row.documentId,
  type: row.type,
  title: row.title,
  body: row.body ?? null,
  link: row.link ?? null,
  readAt: row.readAt ?? null,
  createdAt: row.createdAt,
});

const FIELDS = ['id', 'documentId', 'type', 'title', 'body', 'link', 'readAt', 'createdAt'];

/** Reading, marking and broadcasting notifications; delivery itself is api::notification's `notifyMany`. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The one door to delivery, so every event here lands in the same place (and gets the same email copy). */
  async deliver(
    userIds: readonly number[],
    message: NotificationMessage,
    options: { deliveryKey?: string } = {}
  ): Promise<number> {
    const { count } = await strapi.service(NOTIFICATION).notifyMany(userIds, message, options);
    return count;
  },

  async listForUser(userId: number, options: { unreadOnly: boolean; page: number; pageSize: number }) {
    const where: Record<string, unknown> = { user: { id: userId } };
    if (options.unreadOnly) where.readAt = { $null: true };
    const [rows, total, unreadCount] = await Promise.all([
      strapi.db.query(NOTIFICATION).findMany({
        where,
        select: FIELDS,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        offset: (options.page - 1) * options.pageSize,
        limit: options.pageSize,
      }),
      strapi.db.query(NOTIFICATION).count({ where }),
      strapi.db.query(NOTIFICATION).count({ where: { user: { id: userId }, readAt: { $null: true } } }),
    ]);
    return {
      notifications: rows.map(presentNotification),
      pagination: {
        page: options.page,
        pageSize: options.pageSize,
        pageCount: Math.ceil(total / options.pageSize),
        total,
      },
      unreadCount,
    };
  },

  /** Someone else's notification is as unknown as a missing one: 404, so ids cannot be probed. */
  async markRead(userId: number, notificationId: number, now: Date) {
    const row = await strapi.db
      .query(NOTIFICATION)
      .findOne({ where: { id: notificationId, user: { id: userId } }, select: FIELDS });
    if (!row) throw new errors.NotFoundError('Notification not found');
    if (row.readAt) return presentNotification(row);
    await strapi.db
      .query(NOTIFICATION)
      .updateMany({ where: { id: row.id, readAt: { $null: true } }, data: { readAt: now } });
    return presentNotification(await strapi.db.query(NOTIFICATION).findOne({ where: { id: row.id }, select: FIELDS }));
  },

  async markAllRead(userId: number, now: Date): Promise<number> {
    const unread: Array<{ id: number }> = await strapi.db.query(NOTIFICATION).findMany({
      where: { user: { id: userId }, readAt: { $null: true } },
      select: ['id'],
    });
    let updated = 0;
    for (let start = 0; start < unread.length; start += CHUNK) {
      const ids = unread.slice(start, start + CHUNK).map((row) => row.id);
      const { count } = await strapi.db
        .query(NOTIFICATION)
        .updateMany({ where: { id: { $in: ids }, readAt: { $null: true } }, data: { readAt: now } });
      updated += count;
    }
    return updated;
  },

  /** Users an audience names, found with one query (never one per user). */
  async audienceUserIds(audience: Audience): Promise<number[]> {
    if ('all' in audience) {
      const rows = await strapi.db.query(USER).findMany({ select: ['id', 'blocked'] });
      return rows.filter((row: { blocked: boolean | null }) => !row.blocked).map((row: { id: number }) => row.id);
    }
    if ('role' in audience) {
      const rows = await strapi.db
        .query(USER)
        .findMany({ where: { role: { type: audience.role } }, select: ['id', 'blocked'] });
      return rows.filter((row: { blocked: boolean | null }) => !row.blocked).map((row: { id: number }) => row.id);
    }
    const course = await strapi.db.query(COURSE).findOne({ where: { documentId: audience.course }, select: ['id'] });
    if (!course) throw new errors.NotFoundError('Course not found');
    return this.courseMemberIds(audience.course);
  },

  /** Students whose enrollment in a course currently gives access (active, or completed and not expired). */
  courseMemberIds(courseDocumentId: string): Promise<number[]> {
    return enrollments(strapi).memberUserIds(courseDocumentId);
  },

  async broadcast(caller: Caller, input: { title: string; body: string | null; audience: Audience }) {
    if (caller.role !== 'admin') throw new errors.ForbiddenError('Only admins broadcast');
    const userIds = await this.audienceUserIds(input.audience);
    const recipients = await this.deliver(userIds, { type: 'broadcast', title: input.title, body: input.body });
    return { recipients };
  },

  /** A lesson's first publication tells the course's students (later edits and re-publications do not). */
  async lessonPublished(lessonDocumentId: string, deliveryId: string) {
    const courseDocumentId = await findCourseOfContent(strapi, LESSON, lessonDocumentId);
    if (!courseDocumentId) return 0;
    const [lesson, course] = await Promise.all([
      strapi.db
        .query(LESSON)
        .findOne({ where: { documentId: lessonDocumentId, publishedAt: { $notNull: true } }, select: ['title'] }),
      strapi.db
        .query(COURSE)
        .findOne({ where: { documentId: courseDocumentId }, select: ['title'], orderBy: { publishedAt: 'desc' } }),
    ]);
    const memberIds = await this.courseMemberIds(courseDocumentId);
    return this.deliver(
      memberIds,
      {
        type: 'new_lesson',
        title: `New lesson in ${course?.title ?? 'your course'}`.slice(0, 200),
        body: lesson?.title ?? null,
        link: `/lessons/${lessonDocumentId}`,
      },
      { deliveryKey: `lesson-published:${lessonDocumentId}:${deliveryId}` }
    );
  },
});
