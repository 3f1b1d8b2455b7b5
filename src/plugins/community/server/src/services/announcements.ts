import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, canManageCourse } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import { plainText } from '../../../../../content/rich-text';
import type { Page } from '../../../../../access/listing';
import { publicName, publishedCourseRow } from '../queries/public-views';
import { defineJob, enqueue, type EnqueuedJob } from '../../../../../jobs';
import { deliverUnlessInTransaction } from '../../../../../notifications/notice-job';
import { enrollments } from '../../../../enrollment/server/src/facade';

const ANNOUNCEMENT = 'api::announcement.announcement';

export interface AnnouncementNews {
  courseDocumentId: string;
  announcementDocumentId: string;
  title: string;
  body: string;
  authorId: number | null;
}

/**
 * `announcement.notify-students`: one batched notice to the course's current members (found when the job runs),
 * once per announcement however often the job is retried.
 */
export const announcementNoticeJob = defineJob<AnnouncementNews>(
  'announcement.notify-students',
  async (strapi, news) => {
    await strapi.plugin('community').service('announcements').notifyStudents(news);
  }
);

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
    // The announcement and the job that tells the students commit together.
    const { row, news } = await strapi.db.transaction(async () => {
      const created = await strapi.documents(ANNOUNCEMENT).create({
        data: {
          title: input.title,
          body: input.body,
          course: courseDocumentId,
          author: caller.userId ?? undefined,
        } as any,
      });
      const stored = await strapi.db.query(ANNOUNCEMENT).findOne({
        where: { documentId: created.documentId },
        populate: { author: { select: ['id', 'username', 'fullName'] } },
      });
      return { row: stored, news: await this.enqueueNews(courseDocumentId, stored, caller.userId) };
    });
    // Students read the notice as soon as the post is answered, as before jobs.
    await deliverUnlessInTransaction(strapi, news);
    return presentAnnouncement(row, courseDocumentId);
  },

  /** Records the job that tells the course's students of an announcement (in the caller's transaction). */
  enqueueNews(
    courseDocumentId: string,
    announcement: { documentId: string; title: string; body: string },
    authorId: number | null
  ): Promise<EnqueuedJob> {
    return enqueue(
      strapi,
      announcementNoticeJob,
      {
        courseDocumentId,
        announcementDocumentId: announcement.documentId,
        title: announcement.title,
        body: announcement.body,
        authorId,
      },
      { key: `announcement:${announcement.documentId}` }
    );
  },

  /** The core announcement route's news: recorded and told now (its create is not this module's transaction). */
  async announce(
    courseDocumentId: string,
    announcement: { documentId: string; title: string; body: string },
    authorId: number | null
  ) {
    await deliverUnlessInTransaction(strapi, await this.enqueueNews(courseDocumentId, announcement, authorId));
  },

  /**
   * One batched notification to every current member of the course (the job's work). A failure throws, so the
   * job is retried; the delivery key keeps a retry from notifying anyone twice.
   */
  async notifyStudents(news: AnnouncementNews) {
    const userIds = (await enrollments(strapi).memberUserIds(news.courseDocumentId)).filter(
      (userId) => userId !== news.authorId
    );
    if (userIds.length === 0) return;
    const course = await publishedCourseRow(strapi, news.courseDocumentId);
    await strapi.service('api::notification.notification').notifyMany(
      userIds,
      {
        type: 'new_announcement',
        title: course ? `${course.title}: ${news.title}` : news.title,
        body: plainText(news.body).slice(0, 500),
        link: `/courses/${news.courseDocumentId}/announcements`,
      },
      { deliveryKey: `announcement:${news.announcementDocumentId}` }
    );
  },
});
