import { errors } from '@strapi/utils';
import { sanitizeRichText, toPlainText } from '../../../../../content/rich-text';

// The profiles are the app's one text module (src/content/rich-text.ts); this file adds the body checks.
export { sanitizeRichText };
export const sanitizePlainText = toPlainText;

export const DEFAULT_BODY_LIMIT = 5000;

const invalid = (field: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [field], message, name: 'ValidationError' }] });

/**
 * A user-written body, checked and made safe: a string of 1..limit characters before cleaning that still
 * says something after it (a body that was only a `<script>` is empty, hence refused). Throws a 400 naming
 * the field.
 */
export function cleanBody(value: unknown, options: { field?: string; limit?: number; plain?: boolean } = {}): string {
  const { field = 'body', limit = DEFAULT_BODY_LIMIT, plain = false } = options;
  if (typeof value !== 'string') throw invalid(field, `${field} must be text`);
  if (value.length > limit) throw invalid(field, `${field} must be at most ${limit} characters`);
  const cleaned = plain ? sanitizePlainText(value) : sanitizeRichText(value);
  // What is left once tags are gone: whitespace-only or markup-only bodies say nothing.
  if (
    sanitizePlainText(cleaned)
      .replace(/&nbsp;/g, ' ')
      .trim().length === 0
  )
    throw invalid(field, `${field} must not be empty`);
  return cleaned;
}
