/** A post comment as the tree builder needs it. */
export interface PostCommentRow {
  id: number;
  documentId: string;
  body: string | null;
  authorId: number | null;
  parentId: number | null;
  createdAt: string | Date;
  likesCount: number;
  /** Deleted, or hidden from this reader: a placeholder while replies hang under it. */
  isGone: boolean;
  /** Hidden by a moderator but shown to this reader (staff, its author), marked. */
  isHidden?: boolean;
}

export interface PostCommentNode<Person> {
  id: number;
  documentId: string;
  body: string | null;
  author: Person | null;
  parent: string | null;
  createdAt: string;
  likesCount: number;
  likedByMe: boolean;
  isDeleted: boolean;
  isHidden: boolean;
  replies: Array<PostCommentNode<Person>>;
}

const time = (value: string | Date) => new Date(value).getTime();

/**
 * Nests a post's comments under their parents to any depth, each level oldest first. A gone comment (deleted, or
 * hidden from this reader) keeps its place as a placeholder (no body, no author) while replies hang under it, and
 * leaves the tree when none do; a hidden one shown to staff or its author is marked `isHidden`. A reply whose parent
 * is missing is shown at the top level.
 */
export function buildPostCommentTree<Person>(
  rows: readonly PostCommentRow[],
  people: ReadonlyMap<number, Person>,
  likedByMe: ReadonlySet<number>
): Array<PostCommentNode<Person>> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const children = new Map<number | null, PostCommentRow[]>();
  for (const row of rows) {
    const parent = row.parentId !== null && byId.has(row.parentId) ? row.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const byTime = (a: PostCommentRow, b: PostCommentRow) => time(a.createdAt) - time(b.createdAt) || a.id - b.id;
  const build = (parent: number | null, seen: Set<number>): Array<PostCommentNode<Person>> =>
    (children.get(parent) ?? [])
      .filter((row) => !seen.has(row.id))
      .sort(byTime)
      .flatMap((row) => {
        const replies = build(row.id, new Set(seen).add(row.id));
        if (row.isGone && replies.length === 0) return [];
        return [
          {
            id: row.id,
            documentId: row.documentId,
            body: row.isGone ? null : row.body,
            author: row.isGone || row.authorId === null ? null : (people.get(row.authorId) ?? null),
            parent: parent === null ? null : byId.get(parent)!.documentId,
            createdAt: new Date(row.createdAt).toISOString(),
            likesCount: row.isGone ? 0 : row.likesCount,
            likedByMe: !row.isGone && likedByMe.has(row.id),
            isDeleted: row.isGone,
            isHidden: !row.isGone && row.isHidden === true,
            replies,
          },
        ];
      });
  return build(null, new Set());
}
