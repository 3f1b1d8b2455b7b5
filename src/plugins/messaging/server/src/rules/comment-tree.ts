/** A stored comment as the tree builder needs it. */
export interface CommentRow {
  id: number;
  documentId: string;
  body: string;
  createdAt: string | Date;
  updatedAt?: string | Date;
  isHidden?: boolean | null;
  deletedAt?: string | Date | null;
  author?: { id: number; username: string; fullName?: string | null } | null;
  parent?: { documentId: string } | null;
}

export interface CommentNode {
  documentId: string;
  body: string | null;
  author: { id: number; username: string; fullName: string | null } | null;
  parent: string | null;
  createdAt: string;
  updatedAt: string | null;
  isHidden: boolean;
  isDeleted: boolean;
  replies: CommentNode[];
}

const time = (value: string | Date) => new Date(value).getTime();
const iso = (value: string | Date | null | undefined) => (value ? new Date(value).toISOString() : null);

/**
 * Nests comments under their parents, each level oldest first. A hidden comment keeps its place (replies
 * still make sense) but shows its body only to moderators; a deleted one shows nothing, and disappears when
 * no visible reply hangs under it. A reply whose parent is missing is shown at the top level.
 */
export function buildCommentTree(rows: readonly CommentRow[], options: { canSeeHidden: boolean }): CommentNode[] {
  const byDocumentId = new Map(rows.map((row) => [row.documentId, row]));
  const children = new Map<string | null, CommentRow[]>();
  for (const row of rows) {
    const parent = row.parent?.documentId && byDocumentId.has(row.parent.documentId) ? row.parent.documentId : null;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const byTime = (a: CommentRow, b: CommentRow) => time(a.createdAt) - time(b.createdAt) || a.id - b.id;

  // Iterative over levels would also do; recursion depth is the reply depth, which a thread keeps small.
  const build = (parent: string | null, seen: Set<string>): CommentNode[] =>
    (children.get(parent) ?? [])
      .filter((row) => !seen.has(row.documentId))
      .sort(byTime)
      .flatMap((row) => {
        const replies = build(row.documentId, new Set(seen).add(row.documentId));
        const isDeleted = Boolean(row.deletedAt);
        if (isDeleted && replies.length === 0) return [];
        const isHidden = Boolean(row.isHidden);
        const showBody = !isDeleted && (!isHidden || options.canSeeHidden);
        return [
          {
            documentId: row.documentId,
            body: showBody ? row.body : null,
            author:
              isDeleted || !row.author
                ? null
                : { id: row.author.id, username: row.author.username, fullName: row.author.fullName ?? null },
            parent,
            createdAt: iso(row.createdAt)!,
            updatedAt: iso(row.updatedAt),
            isHidden,
            isDeleted,
            replies,
          },
        ];
      });
  return build(null, new Set());
}

/** How many nodes a tree shows. */
export const countNodes = (nodes: readonly CommentNode[]): number =>
  nodes.reduce((sum, node) => sum + 1 + countNodes(node.replies), 0);
