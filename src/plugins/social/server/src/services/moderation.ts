import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { runSql } from '../../../../../access/raw-sql';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import { toPlainText } from '../../../../../content/rich-text';
import { invalidField, notFound } from '../../../../../errors/refusal';
import { findPostRow, inKnex, POST, REPORT, socialTables } from '../queries/social-tables';
import { publicPeople } from '../queries/people';
import { publishedVisiblePostRow } from './post-views';
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

/**
 * Reports by anyone who can see a post; hiding and restoring by admins (REST) and the admin panel's Moderation page
 * (Super Admins and the `Moderator` role), each in the audit trail (`content.hidden`, before and after) with the
 * moderator's reason, committed with the change. A hidden post leaves every list and feed at once (they filter on
 * `hidden_at`), and reads of it answer 404 to all but admins.
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
    const ids = posts.map((post: any) => Number(post.id));
    const reports = ids.length
      ? await inKnex(strapi, (knex) =>
          knex(tables.reports)
            .select('id', 'target_id', 'reporter_id', 'reason', 'created_at')
            .where('target_type', 'post')
            .whereIn('target_id', ids)
            .orderBy('id', 'asc')
        )
      : [];
    const people = await publicPeople(strapi, [
      ...posts.map((post: any) => Number(post.author_id)),
      ...reports.map((report: any) => Number(report.reporter_id)),
    ]);
    return posts.map((post: any) => ({
      documentId: post.document_id,
      title: post.title,
      author: people.get(Number(post.author_id)) ?? null,
      hidden: Boolean(post.hidden_at),
      hiddenReason: post.hidden_reason ?? null,
      reportsCount: Number(post.reports),
      reports: reports
        .filter((report: any) => Number(report.target_id) === Number(post.id))
        .map((report: any) => ({
          id: report.id,
          reason: report.reason,
          reporter: people.get(Number(report.reporter_id)) ?? null,
          createdAt: new Date(
            typeof report.created_at === 'string' && /^\d+$/.test(report.created_at)
              ? Number(report.created_at)
              : report.created_at
          ).toISOString(),
        })),
    }));
  },
});
