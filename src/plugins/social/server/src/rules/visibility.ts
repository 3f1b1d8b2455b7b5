/**
 * Who sees a post (contract "Social learning"): a hidden post nobody but admins; a draft its author only (and
 * admins); a followers-only post its author, its author's followers and admins; a public one everyone. Whoever
 * may not see a post gets 404 for it, for reads, likes, comments, reports and attempts alike, so its existence
 * never leaks.
 */
export interface PostAccessFacts {
  authorId: number;
  isDraft: boolean;
  visibility: 'public' | 'followers';
  isHidden: boolean;
}

export interface Viewer {
  userId: number | null;
  isAdmin: boolean;
  /** Whether the viewer follows the post's author (asked only for followers-only posts). */
  followsAuthor: boolean;
}

export function maySeePost(post: PostAccessFacts, viewer: Viewer): boolean {
  if (viewer.isAdmin) return true;
  if (post.isHidden) return false;
  const isAuthor = viewer.userId !== null && viewer.userId === post.authorId;
  if (post.isDraft) return isAuthor;
  if (post.visibility === 'public') return true;
  return isAuthor || viewer.followsAuthor;
}

/**
 * The popular ranking: engagement on a log scale plus recency, so a post needs e times the likes and comments to
 * outrank one 12 hours younger (a time decay that never changes a stored score as time passes: the order of two
 * posts changes only when their counts do). Comments weigh twice a like. Mirrored in SQL by popularScoreSql.
 */
export const HOURS_PER_E = 12;
export function popularScore(likes: number, comments: number, postedAt: Date): number {
  return Math.log(1 + likes + 2 * comments) + postedAt.getTime() / 3_600_000 / HOURS_PER_E;
}
