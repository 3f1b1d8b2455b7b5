import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { canManageCourse, isCourseMemberOrManager } from '../../../../../access/ownership';
import { Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import { buildCommentTree, countNodes, type CommentRow } from '../rules/comment-tree';

const COMMENT = 'api::comment.comment';
const LESSON = 'api::lesson.lesson';
const ASSIGNMENT = 'api::assignment.assignment';
const SUBMISSION = 'api::submission.submission';

export type CommentTargetType = 'lesson' | 'assignment' | 'submission';

/** Where a discussion lives and who takes part in it. */
interface Target {
  type: CommentTargetType;
  documentId: string;
  courseDocumentId: string;
  /** The submitting student, for submission threads. */
  studentId?: number;
}

const COMMENT_FIELDS = [
  'id',
  'documentId',
  'body',
  'isHidden',
  'deletedAt',
  'createdAt',
  'updatedAt',
  'targetType',
  'targetDocumentId',
];
const AUTHOR = { author: { select: ['id', 'username', 'fullName'] } };

const notFound = (type: CommentTargetType) =>
  new errors.NotFoundError(`${type[0].toUpperCase()}${type.slice(1)} not found`);

/**
 * Threads on lessons, assignments and submissions. A thread belongs to its course's members (enrolled
 * students, its teachers, admins); a submission's thread only to its student and the course's teachers.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The course of a lesson or assignment; students see published ones only, staff drafts too. */
  async resolveTarget(type: CommentTargetType, documentId: string): Promise<Target & { isPublished: boolean }> {
    if (type === 'submission') {
      const submission = await strapi.db.query(SUBMISSION).findOne({
        where: { documentId },
        select: ['id'],
        populate: { student: { select: ['id'] }, assignment: { select: ['documentId'] } },
      });
      if (!submission?.assignment) throw notFound(type);
      const assignment = await this.resolveTarget('assignment', submission.assignment.documentId).catch(() => null);
      if (!assignment) throw notFound(type);
      return {
        type,
        documentId,
        courseDocumentId: assignment.courseDocumentId,
        studentId: submission.student?.id,
        isPublished: true,
      };
    }
    const uid = type === 'lesson' ? LESSON : ASSIGNMENT;
    const rows = await strapi.db.query(uid).findMany({
      where: { documentId },
      select: ['id', 'publishedAt'],
      populate: {
        course: { select: ['documentId'] },
        ...(type === 'assignment'
          ? { lesson: { select: ['id'], populate: { course: { select: ['documentId'] } } } }
          : {}),
      },
    });
    const courseDocumentId = rows
      .map((row: any) => row.course?.documentId ?? row.lesson?.course?.documentId)
      .find(Boolean);
    if (!courseDocumentId) throw notFound(type);
    return { type, documentId, courseDocumentId, isPublished: rows.some((row: any) => row.publishedAt) };
  },

  /** The target if the caller takes part in its thread; 404 for what does not exist (or is unpublished to them), 403 otherwise. */
  async targetForParticipant(
    caller: Caller,
    type: CommentTargetType,
    documentId: string
  ): Promise<Target & { canModerate: boolean }> {
    const target = await this.resolveTarget(type, documentId);
    const canModerate = await canManageCourse(strapi, caller, target.courseDocumentId);
    if (canModerate) return { ...target, canModerate };
    if (type === 'submission') {
      if (caller.userId !== null && target.studentId === caller.userId) return { ...target, canModerate };
      throw new Refusal(
        'Only the student and the teachers of the course take part in this discussion',
        'not_submission_party'
      );
    }
    if (!(await isCourseMemberOrManager(strapi, caller, target.courseDocumentId))) {
      throw new Refusal('Enroll in the course to take part in its discussions', 'not_enrolled');
    }
    if (!target.isPublished) throw notFound(type);
    return { ...target, canModerate };
  },

  async thread(caller: Caller, type: CommentTargetType, documentId: string) {
    const target = await this.targetForParticipant(caller, type, documentId);
    const rows: CommentRow[] = await strapi.db.query(COMMENT).findMany({
      where: { targetType: type, targetDocumentId: documentId },
      select: COMMENT_FIELDS,
      populate: { ...AUTHOR, parent: { select: ['documentId'] } },
    });
    const tree = buildCommentTree(rows, { canSeeHidden: target.canModerate });
    return { tree, total: countNodes(tree) };
  },

  async post(
    caller: Caller,
    type: CommentTargetType,
    documentId: string,
    input: { body: string; parent?: string },
    now: Date
  ) {
    const target = await this.targetForParticipant(caller, type, documentId);
    let parent: any = null;
    if (input.parent !== undefined) {
      parent = await strapi.db.query(COMMENT).findOne({
        where: { documentId: input.parent },
        select: ['id', 'documentId', 'targetType', 'targetDocumentId', 'deletedAt'],
        populate: AUTHOR,
      });
      // A reply stays in its own thread: a parent from elsewhere (or none at all) is a malformed request.
      if (!parent || parent.targetType !== type || parent.targetDocumentId !== documentId || parent.deletedAt) {
        throw new errors.ValidationError('The parent comment is not in this discussion', {
          errors: [
            { path: ['parent'], message: 'parent must be a comment of the same discussion', name: 'ValidationError' },
          ],
        });
      }
    }
    // The comment and the reply's notice (with its email copy's job) commit together.
    const created = await strapi.db.transaction(async () => {
      const comment = await strapi.db.query(COMMENT).create({
        data: {
          body: input.body,
          author: caller.userId,
          targetType: type,
          targetDocumentId: documentId,
          parent: parent?.id ?? null,
          isHidden: false,
          publishedAt: now,
        },
        select: COMMENT_FIELDS,
        populate: { ...AUTHOR, parent: { select: ['documentId'] } },
      });
      if (parent?.author && parent.author.id !== caller.userId) {
        const name = comment.author?.fullName || comment.author?.username || 'Someone';
        await strapi
          .plugin('messaging')
          .service('notifications')
          .deliver([parent.author.id], {
            type: 'comment_reply',
            title: `${name} replied to your comment`.slice(0, 200),
            body: null,
            link: `/${type}s/${documentId}/comments#${comment.documentId}`,
          });
      }
      return comment;
    });
    const [node] = buildCommentTree([created], { canSeeHidden: target.canModerate });
    return { ...node, parent: parent?.documentId ?? null };
  },

  /** The comment and whether the caller moderates its thread; 404 when it does not exist or was deleted. */
  async findForAction(caller: Caller, commentDocumentId: string) {
    const comment = await strapi.db.query(COMMENT).findOne({
      where: { documentId: commentDocumentId },
      select: COMMENT_FIELDS,
      populate: AUTHOR,
    });
    if (!comment || comment.deletedAt) throw new errors.NotFoundError('Comment not found');
    const target = await this.resolveTarget(comment.targetType, comment.targetDocumentId).catch(() => null);
    const canModerate =
      caller.role === 'admin' || (target !== null && (await canManageCourse(strapi, caller, target.courseDocumentId)));
    return { comment, canModerate };
  },

  /**
   * Authors delete their own comments, owners any in their courses. The row stays (marked deleted, its body
   * wiped) so that replies keep their place in the thread.
   */
  async remove(caller: Caller, commentDocumentId: string, now: Date) {
    const { comment, canModerate } = await this.findForAction(caller, commentDocumentId);
    const isAuthor = caller.userId !== null && comment.author?.id === caller.userId;
    if (!isAuthor && !canModerate)
      throw new Refusal('Only its author or the course teachers may delete a comment', 'not_comment_author');
    await strapi.db.query(COMMENT).update({ where: { id: comment.id }, data: { deletedAt: now, body: '[deleted]' } });
    return { documentId: comment.documentId, isDeleted: true };
  },

  async setHidden(caller: Caller, commentDocumentId: string, isHidden: boolean) {
    const { comment, canModerate } = await this.findForAction(caller, commentDocumentId);
    if (!canModerate) throw new Refusal('Only the teachers of the course moderate its discussions', 'not_course_owner');
    // Hiding and showing again are moderation: in the audit trail, committed with the change.
    await strapi.db.transaction(async () => {
      await strapi.db.query(COMMENT).update({ where: { id: comment.id }, data: { isHidden } });
      if (Boolean(comment.isHidden) !== isHidden)
        await recordAuditEvent(strapi, {
          action: 'content.hidden',
          actor: caller,
          entity: auditEntity('comment', comment.documentId),
          before: { hidden: Boolean(comment.isHidden) },
          after: { hidden: isHidden },
        });
    });
    return { documentId: comment.documentId, isHidden };
  },
});
