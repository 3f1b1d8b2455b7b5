import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { runSql } from '../../../../../access/raw-sql';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import { toPlainText } from '../../../../../content/rich-text';
import { invalidField, notFound } from '../../../../../errors/refusal';
import { findPostRow, inKnex, POST, REPORT, socialTables } from '../queries/social-tables';
import { publicPeople } from '../queries/people';
import { publishedVisiblePostRow, visibleCommentRow } from './post-views';
import { popularScoreSql } from './reactions';
import { indexAfterWrite } from '../../../../search/server/src/facade';

const REASON_LIMIT = 2000;

/** A reason as typed: plain text of 1..2000 characters (required for reports, optional for hiding). */
export function reasonParam(value: unknown, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw invalidField('reason', 'reason is required');
    return null;
  }
  if (typeof value !== 'string') throw invalidField('reason', 'reason must be text');
  if (value.length > REASON_LIMIT) throw invalidField('reason', `reason must be at most ${REASON_LIMIT} characters`);
  const reason = toPlainText(value).trim();
  if (!reason) {
    if (required) throw invalidField('reason', 'reason must not be empty');
    return null;
  }
  return reason;
}

export const REPORT_TARGETS = ['post', 'comment'] as const;
export type ReportTarget = (typeof REPORT_TARGETS)[number];

/** `?target=` of the reported lists: `post` (the default) or `comment`. */
export function reportTargetParam(value: unknown): ReportTarget {
  if (value === undefined || value === '') return 'post';
  if (typeof value === 'string' && (REPORT_TARGETS as readonly string[]).includes(value)) return value as ReportTarget;
  throw invalidField('target', `target must be one of ${REPORT_TARGETS.join(', ')}`);
}

const isoOf = (value: unknown) =>
  new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string)).toISOString();

/**
 * Reports by anyone who can see a post or comment; hiding and restoring by admins (REST) and the admin panel's Moderation page
 * (Super Admins and the `Moderator` role), each in the audit trail (`content.hidden`, before and after) with the
 * moderator's reason, committed with the change. A hidden post leaves every list and feed at once (they filter on
 * `hidden_at`), and reads of it answer 404 to all but admins. A hidden comment leaves its thread for everyone but
 * staff and its author (who see it marked) and its post's comment count, in the hiding's transaction.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async report(caller: Caller, postDocumentId: string, reasonInput: unknown) {
    const reason = reasonParam(reasonInput, true)!;
    const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
    const report = await strapi.db.query(REPORT).create({
      data: { targetType: 'post', targetId: post.id, reporterId: caller.userId, reason, publishedAt: new Date() },
    });
    return {
      id: report.id,
      post: { documentId: postDocumentId },
      reason,
      createdAt: new Date(report.createdAt).toISOString(),
    };
  },

  async reportComment(caller: Caller, commentDocumentId: string, reasonInput: unknown) {
    const reason = reasonParam(reasonInput, true)!;
    const comment = await visibleCommentRow(strapi, caller, commentDocumentId);
    const report = await strapi.db.query(REPORT).create({
      data: {
        targetType: 'comment',
        targetId: Number(comment.id),
        reporterId: caller.userId,
        reason,
        publishedAt: new Date(),
      },
    });
    return {
      id: report.id,
      comment: { documentId: commentDocumentId },
      reason,
      createdAt: new Date(report.createdAt).toISOString(),
    };
  },

  /**
   * Hides or restores a post comment (not a deleted one); a repeat changes nothing and records nothing. The post's
   * `commentsCount` (and popular score) drops with the hiding and comes back with the restoring, by the statement
   * that changed the comment.
   */
  async setCommentHidden(
    actor: Caller | null,
    commentDocumentId: string,
    hidden: boolean,
    reason: string | null,
    moderator: string | null = null
  ) {
    const tables = socialTables(strapi);
    const comment = await inKnex(strapi, (knex) =>
      knex(tables.comments).select('id', 'post_id').where('document_id', commentDocumentId).first()
    );
    if (!comment) throw notFound('Comment not found');
    await strapi.db.transaction(async () => {
      const { count } = hidden
        ? await runSql(
            strapi,
            'UPDATE ?? SET hidden_at = ?, hidden_reason = ? WHERE id = ? AND hidden_at IS NULL AND deleted_at IS NULL',
            [tables.comments, new Date(), reason, comment.id]
          )
        : await runSql(
            strapi,
            'UPDATE ?? SET hidden_at = NULL, hidden_reason = NULL WHERE id = ? AND hidden_at IS NOT NULL AND deleted_at IS NULL',
            [tables.comments, comment.id]
          );
      if (count === 0) return;
      const change = hidden ? '- 1' : '+ 1';
      await runSql(
        strapi,
        `UPDATE ?? SET comments_count = comments_count ${change}, popular_score = ${popularScoreSql('likes_count', `comments_count ${change}`)} WHERE id = ?${hidden ? ' AND comments_count > 0' : ''}`,
        [tables.posts, comment.post_id]
      );
      await recordAuditEvent(strapi, {
        action: 'content.hidden',
        actor,
        entity: auditEntity('post-comment', commentDocumentId),
        before: { hidden: !hidden },
        after: moderator ? { hidden, moderator } : { hidden },
        reason,
      });
    });
    return { documentId: commentDocumentId, hidden };
  },

  /** Reported posts or comments, most reported first (the Moderation page). */
  async reportedOf(target: ReportTarget, options: { includeHidden: boolean }) {
    return target === 'post' ? this.reported(options) : this.reportedComments(options);
  },

  /** Reported comments (not deleted ones), most reported first, each with its post and its reports. */
  async reportedComments(options: { includeHidden: boolean }) {
    const tables = socialTables(strapi);
    const comments = await inKnex(strapi, (knex) => {
      const columns = ['c.id', 'c.document_id', 'c.body', 'c.author_id', 'c.hidden_at', 'c.hidden_reason'];
      const query = knex(`${tables.reports} as r`)
        .join(`${tables.comments} as c`, 'c.id', 'r.target_id')
        .join(`${tables.posts} as p`, 'p.id', 'c.post_id')
        .where('r.target_type', 'comment')
        .whereNull('c.deleted_at')
        .groupBy(...columns, 'p.document_id', 'p.title')
        .select(...columns, { post_document_id: 'p.document_id', post_title: 'p.title' })
        .count({ reports: 'r.id' })
        .orderBy([
          { column: 'reports', order: 'desc' },
          { column: 'c.id', order: 'desc' },
        ])
        .limit(100);
      if (!options.includeHidden) query.whereNull('c.hidden_at');
      return query;
    });
    const { reportsOf, people } = await this.reportsFor(
      'comment',
      comments.map((comment: any) => Number(comment.id)),
      comments.map((comment: any) => Number(comment.author_id))
    );
    return comments.map((comment: any) => ({
      documentId: comment.document_id,
      body: comment.body,
      post: { documentId: comment.post_document_id, title: comment.post_title },
      author: people.get(Number(comment.author_id)) ?? null,
      hidden: Boolean(comment.hidden_at),
      hiddenReason: comment.hidden_reason ?? null,
      reportsCount: Number(comment.reports),
      reports: reportsOf(Number(comment.id)),
    }));
  },

  /** The reports of these targets, oldest first, with their reporters and the targets' authors as people. */
  async reportsFor(target: ReportTarget, ids: number[], authorIds: number[]) {
    const tables = socialTables(strapi);
    const reports = ids.length
      ? await inKnex(strapi, (knex) =>
          knex(tables.reports)
            .select('id', 'target_id', 'reporter_id', 'reason', 'created_at')
            .where('target_type', target)
            .whereIn('target_id', ids)
            .orderBy('id', 'asc')
        )
      : [];
    const people = await publicPeople(strapi, [
      ...authorIds.filter((id) => Number.isFinite(id)),
      ...reports.map((report: any) => Number(report.reporter_id)),
    ]);
    const reportsOf = (id: number) =>
      reports
        .filter((report: any) => Number(report.target_id) === id)
        .map((report: any) => ({
          id: report.id,
          reason: report.reason,
          reporter: people.get(Number(report.reporter_id)) ?? null,
          createdAt: isoOf(report.created_at),
        }));
    return { reportsOf, people };
  },

  /** Hides (`hidden: true`) or restores a post; a repeat changes nothing and records nothing. */
  async setHidden(
    actor: Caller | null,
    postDocumentId: string,
    hidden: boolean,
    reason: string | null,
    moderator: string | null = null
  ) {
    const post = await findPostRow(strapi, postDocumentId);
    if (!post) throw notFound('Post not found');
    const now = new Date();
    await strapi.db.transaction(async () => {
      const { count } = hidden
        ? await runSql(strapi, 'UPDATE ?? SET hidden_at = ?, hidden_reason = ? WHERE id = ? AND hidden_at IS NULL', [
            socialTables(strapi).posts,
            now,
            reason,
            post.id,
          ])
        : await runSql(
            strapi,
            'UPDATE ?? SET hidden_at = NULL, hidden_reason = NULL WHERE id = ? AND hidden_at IS NOT NULL',
            [socialTables(strapi).posts, post.id]
          );
      if (count === 0) return;
      // The statement bypasses the document service, so search hears of it here (a hidden post leaves search).
      await indexAfterWrite(strapi, POST, postDocumentId);
      await recordAuditEvent(strapi, {
        action: 'content.hidden',
        actor,
        entity: auditEntity('post', postDocumentId),
        before: { hidden: !hidden },
        after: moderator ? { hidden, moderator } : { hidden },
        reason,
      });
    });
    return { documentId: postDocumentId, hidden };
  },

  /** Reported posts, most reported first, each with its reports (the Moderation page). */
  async reported(options: { includeHidden: boolean }) {
    const tables = socialTables(strapi);
    const posts = await inKnex(strapi, (knex) => {
      const query = knex(`${tables.reports} as r`)
        .join(`${tables.posts} as p`, 'p.id', 'r.target_id')
        .where('r.target_type', 'post')
        .groupBy('p.id', 'p.document_id', 'p.title', 'p.author_id', 'p.hidden_at', 'p.hidden_reason')
        .select('p.id', 'p.document_id', 'p.title', 'p.author_id', 'p.hidden_at', 'p.hidden_reason')
        .count({ reports: 'r.id' })
        .orderBy([
          { column: 'reports', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(100);
      if (!options.includeHidden) query.whereNull('p.hidden_at');
      return query;
    });
    const { reportsOf, people } = await this.reportsFor(
      'post',
      posts.map((post: any) => Number(post.id)),
      posts.map((post: any) => Number(post.author_id))
    );
    return posts.map((post: any) => ({
      documentId: post.document_id,
      title: post.title,
      author: people.get(Number(post.author_id)) ?? null,
      hidden: Boolean(post.hidden_at),
      hiddenReason: post.hidden_reason ?? null,
      reportsCount: Number(post.reports),
      reports: reportsOf(Number(post.id)),
    }));
  },
});
