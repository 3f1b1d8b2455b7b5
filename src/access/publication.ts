/**
 * Drafts are their authors' business: everyone but admins (and, per entry, its course's teachers)
 * reads the published version. REST would otherwise hand drafts to anyone asking ?status=draft.
 */
export function readPublishedOnly(ctx: { query: Record<string, unknown> }): void {
  const { publicationFilter: _ignored, ...query } = ctx.query;
  ctx.query = { ...query, status: 'published' };
}

export const asksForDraft = (ctx: { query: Record<string, unknown> }): boolean => ctx.query.status === 'draft';
