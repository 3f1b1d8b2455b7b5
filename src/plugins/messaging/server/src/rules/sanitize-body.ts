import { errors } from '@strapi/utils';
import sanitizeHtml from 'sanitize-html';

/**
 * What user-written HTML may keep: light formatting and links. Scripts, styles, event handlers and any
 * attribute not listed are dropped; links keep only http(s) and mailto, so `javascript:` cannot survive
 * in a stored body that a frontend later renders as HTML.
 */
const RICH_TEXT: sanitizeHtml.IOptions = {
  allowedTags: ['b', 'strong', 'i', 'em', 'u', 's', 'code', 'pre', 'p', 'br', 'ul', 'ol', 'li', 'blockquote', 'a'],
  // rel is always the one transformTags sets (it overrides what the author wrote).
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // rel on every link: a comment must not hand the opener window to the linked page, nor pass on ranking.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }) },
};

const PLAIN_TEXT: sanitizeHtml.IOptions = { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'discard' };

export const DEFAULT_BODY_LIMIT = 5000;

const invalid = (field: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [field], message, name: 'ValidationError' }] });

/** Safe HTML for a body of a comment or message. */
export const sanitizeRichText = (value: string): string => sanitizeHtml(value, RICH_TEXT).trim();

/** Text with every tag removed (titles). */
export const sanitizePlainText = (value: string): string => sanitizeHtml(value, PLAIN_TEXT).trim();

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
  if (sanitizePlainText(cleaned).replace(/&nbsp;/g, ' ').trim().length === 0) throw invalid(field, `${field} must not be empty`);
  return cleaned;
}
