import type { Core } from '@strapi/strapi';

export const WORDS_PER_MINUTE = 200;
const ARTICLE = 'api::article.article';

/** Minutes to read a body of markdown: words / 200, rounded, never less than one. */
export function readingMinutes(body: unknown): number {
  const text = typeof body === 'string' ? body : '';
  // Markdown punctuation and link targets are not read aloud; words are runs of letters or digits in any script.
  const words = text.replace(/\]\([^)]*\)/g, ']').match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)?.length ?? 0;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}

/**
 * `readingMinutes` is derived, never typed in: it is set whenever an article's body is saved (admin panel, REST or
 * a script, all through the document service) and a value sent by a client is ignored.
 */
export function computeReadingMinutesOnSave(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== ARTICLE || !['create', 'update'].includes(context.action)) return next();
    const data = (context.params as { data?: Record<string, unknown> }).data;
    if (!data) return next();
    delete data.readingMinutes;
    const params = context.params as { documentId?: string; locale?: string };
    // An update that adds a locale without a body still creates that locale's row: it gets its minute too.
    if (
      context.action === 'create' ||
      'body' in data ||
      !(await localeExists(strapi, params.documentId, params.locale))
    ) {
      data.readingMinutes = readingMinutes(data.body);
    }
    return next();
  });
}

async function localeExists(
  strapi: Core.Strapi,
  documentId: string | undefined,
  locale: string | undefined
): Promise<boolean> {
  if (!documentId) return true;
  const where: Record<string, unknown> = { documentId };
  if (locale) where.locale = locale;
  return (await strapi.db.query(ARTICLE).count({ where })) > 0;
}
