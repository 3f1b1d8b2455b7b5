import type { Core } from '@strapi/strapi';
import { runSql } from '../../../../access/raw-sql';
import { questionsForStudent, type AttemptQuestion } from '../../../grading/server/src/facade';
import { publicPeople } from './queries/people';
import { ATTEMPT, COMMENT, FOLLOW, LIKE, POST, REPORT, socialTables } from './queries/social-tables';
import { popularScoreSql } from './services/reactions';

/**
 * A user's social data for privacy (src/privacy, contract "Trust and privacy"). The social tables name users by
 * integer columns (`author_id`, `user_id`…) rather than by relations, so the privacy module's discovery by relation
 * does not see them: it asks here.
 */

type Row = Record<string, unknown>;

/** Never exported: the unique keys are the plugin's bookkeeping, not the user's data. */
const withoutKey = ({ key: _key, ...row }: Row) => row;

export interface SocialPersonalData {
  /** `post.json`, `post-comment.json`, `post-like.json`, `follow.json`, `post-report.json`, `post-attempt.json`. */
  documents: Record<string, unknown>;
  /** Stored files their posts show (a video post's video). */
  files: Array<{ id: number; name: string; url: string; mime: string }>;
}

/**
 * Everything the social plugin stores about a user, for their export: their posts (drafts and hidden ones
 * included, with their quiz questions: they wrote them), the comments they wrote, their likes, who they follow and
 * who follows them (the other side by public fields only), their reports and their quiz-post attempts (the
 * questions without the key, as a quiz attempt's).
 */
export async function collectSocialData(strapi: Core.Strapi, userId: number): Promise<SocialPersonalData> {
  const query = (uid: string) => strapi.db.query(uid as any);
  const posts: Row[] = await query(POST).findMany({
    where: { authorId: userId },
    populate: { video: true, tags: { select: ['documentId', 'name'] } },
    orderBy: { id: 'asc' },
  });
  const files = posts
    .map((post) => post.video as any)
    .filter((video) => video?.id && video.url)
    .map((video) => ({ id: video.id, name: video.name, url: video.url, mime: video.mime }));
  const comments = await query(COMMENT).findMany({ where: { authorId: userId }, orderBy: { id: 'asc' } });
  const likes: Row[] = await query(LIKE).findMany({ where: { userId }, orderBy: { id: 'asc' } });
  const follows: Row[] = await query(FOLLOW).findMany({
    where: { $or: [{ followerId: userId }, { followedId: userId }] },
    orderBy: { id: 'asc' },
  });
  const otherSide = (follow: Row) =>
    Number(follow.followerId) === userId ? Number(follow.followedId) : Number(follow.followerId);
  const people = await publicPeople(strapi, follows.map(otherSide));
  const reports = await query(REPORT).findMany({ where: { reporterId: userId }, orderBy: { id: 'asc' } });
  const attempts: Row[] = await query(ATTEMPT).findMany({ where: { userId }, orderBy: { id: 'asc' } });
  return {
    documents: {
      'post.json': posts,
      'post-comment.json': comments,
      'post-like.json': likes.map(withoutKey),
      'follow.json': follows.map((follow) => ({
        ...withoutKey(follow),
        direction: Number(follow.followerId) === userId ? 'following' : 'follower',
        // Public fields only (id, username, full name, avatar); null for an account that no longer exists.
        user: people.get(otherSide(follow)) ?? null,
      })),
      'post-report.json': reports,
      'post-attempt.json': attempts.map((attempt) => ({
        ...attempt,
        questions: Array.isArray(attempt.questions)
          ? questionsForStudent(attempt.questions as AttemptQuestion[])
          : attempt.questions,
      })),
    },
    files,
  };
}

/**
 * The social part of a user's erasure, in the erasure's transaction: their likes are deleted and the liked posts'
 * and comments' counts lowered by one for each like this statement deleted (a like removed at the same moment by
 * an unlike is counted by whichever delete removed it, as `setLike` does); their follows in both directions and
 * their reports are deleted; their quiz-post attempts' answers are emptied (scores stay). Their posts and comments
 * stay, shown with the anonymised account ("Deleted user").
 */
export async function eraseSocialDataOf(strapi: Core.Strapi, userId: number): Promise<void> {
  const tables = socialTables(strapi);
  const { rows } = await runSql<{ target_type: string; target_id: number | string }>(
    strapi,
    'DELETE FROM ?? WHERE user_id = ? RETURNING target_type, target_id',
    [tables.likes, userId]
  );
  for (const [targetType, table] of [
    ['post', tables.posts],
    ['comment', tables.comments],
  ] as const) {
    const ids = [...new Set(rows.filter((row) => row.target_type === targetType).map((row) => Number(row.target_id)))];
    const score =
      targetType === 'post' ? `, popular_score = ${popularScoreSql('likes_count - 1', 'comments_count')}` : '';
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      await runSql(
        strapi,
        `UPDATE ?? SET likes_count = likes_count - 1${score} WHERE id IN (${chunk.map(() => '?').join(', ')}) AND likes_count > 0`,
        [table, ...chunk]
      );
    }
  }
  await runSql(strapi, 'DELETE FROM ?? WHERE follower_id = ? OR followed_id = ?', [tables.follows, userId, userId]);
  await runSql(strapi, 'DELETE FROM ?? WHERE reporter_id = ?', [tables.reports, userId]);
  await strapi.db.query(ATTEMPT as any).updateMany({ where: { userId }, data: { answers: [] } });
}
