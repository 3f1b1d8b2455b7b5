import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, canManageCourse } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import { plainText } from '../../../../../content/rich-text';
import type { Page } from '../rules/listing';
import { publicName, publishedCourseRow } from '../queries/public-views';
import { effectiveStatus } from '../../../../enrollment/server/src/facade';

const ANNOUNCEMENT = 'api::announcement.announcement';
const ENROLLMENT = 'plugin::enrollment.enrollment';

export const presentAnnouncement = (row: any, courseDocumentId: string) => ({
  documentId: row.documentId,
  title: row.title,
  body: row.body,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  course: { documentId: courseDocumentId },
  author: { name: row.author ? publicName(row.author) : null },
});

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Everyone reads a published course's news; its teachers and admins also read a draft course's. */
  async list(caller: Caller, courseDocumentId: string, page: Page) {
    const course = await publishedCourseRow(strapi, courseDocumentId);
    // canManageCourse answers 404 for a course that does not exist at all.
    if (!course && !(await canManageCourse(strapi, caller, courseDocumentId)))
      throw new errors.NotFoundError('Course not found');
    const where = { course: { documentId: courseDocumentId } };
    const [rows, total] = await Promise.all([
      strapi.db.query(ANNOUNCEMENT).findMany({
        where,
        populate: { author: { select: ['id', 'username', 'fullName'] } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        offset: (page.page - 1) * page.pageSize,
        limit: page.pageSize,
      }),
      strapi.db.query(ANNOUNCEMENT).count({ where }),
    ]);
    return { data: rows.map((row: any) => presentAnnouncement(row, courseDocumentId)), total };
  },

  /** Owners and admins post; the body arrives already sanitised. Enrolled students hear of it. */
  async create(caller: Caller, courseDocumentId: string, input: { title: string; body: string }) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const created = await strapi.documents(ANNOUNCEMENT).create({
      data: {
        title: input.title,
        body: input.body,
        course: courseDocumentId,
        author: caller.userId ?? undefined,
      } as any,
    });
    const row = await strapi.db.query(ANNOUNCEMENT).findOne({
      where: { documentId: created.documentId },
      populate: { author: { select: ['id', 'username', 'fullName'] } },
    });
    await this.notifyStudents(courseDocumentId, row, caller.userId);
    return presentAnnouncement(row, courseDocumentId);
  },

  /** One batched notification to every current member of the course. A delivery failure does not undo the post. */
  async notifyStudents(
    courseDocumentId: string,
    announcement: { title: string; body: string },
    authorId: number | null
  ) {
    try {
      const now = new Date();
      const rows = await strapi.db.query(ENROLLMENT).findMany({
        where: { key: { $endsWith: `:${courseDocumentId}` }, status: { $in: ['active', 'completed'] } },
        select: ['status', 'accessExpiresAt'],
        populate: { user: { select: ['id'] } },
      });
      const userIds = rows
        .filter(
          (row: any) =>
            row.user && row.user.id !== authorId && ['active', 'completed'].includes(effectiveStatus(row, now))
        )
        .map((row: any) => row.user.id as number);
      if (userIds.length === 0) return;
      const course = await publishedCourseRow(strapi, courseDocumentId);
      await strapi.service('api::notification.notification').notifyMany(userIds, {
        type: 'new_announcement',
        title: course ? `${course.title}: ${announcement.title}` : announcement.title,
        body: plainText(announcement.body).slice(0, 500),
        link: `/courses/${courseDocumentId}/announcements`,
      });
    } catch (error) {
      strapi.log.error(
        `community: could not notify students of news in ${courseDocumentId}: ${(error as Error).message}`
      );
    }
  },
});
