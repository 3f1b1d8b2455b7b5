import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { cleanText, type TextProfile } from './rich-text';
import { nestedEntries, type NestedAttribute } from './nested-entries';

/**
 * Every user-written text field and the one profile it gets (rich-text.ts says what each keeps):
 * - `plain`: names, titles, summaries, short descriptions, reviews, profile fields. Shown as text; markup is noise there.
 * - `markdown`: the long bodies the admin panel edits as Markdown (Strapi `richtext`) and long-form work that
 *   quotes code (submission text, feedback): formatting and fenced code must survive.
 * - `html`: bodies that frontends render as HTML (comments, messages, course news, broadcast notifications).
 * Components are listed by their own uid; they are cleaned wherever they are written.
 *
 * Left out on purpose: slugs (`uid`, generated), emails (validated as such), URLs (`videoUrl`, `canonicalURL`,
 * notification `link`: checked where they are validated), JSON lists compared verbatim with what students type
 * (`acceptedAnswers`, quiz attempt `answers`), server-kept keys and document ids, `username` (a login identifier:
 * changing it on write would lock its owner out).
 */
export const TEXT_POLICY: Record<string, Record<string, TextProfile>> = {
  'api::course.course': { title: 'plain', summary: 'plain', description: 'markdown' },
  'api::lesson.lesson': { title: 'plain', content: 'markdown' },
  'api::quiz.quiz': { title: 'plain', description: 'plain' },
  'quiz.question': { prompt: 'plain', explanation: 'plain' },
  'quiz.option': { text: 'plain' },
  'api::assignment.assignment': { title: 'plain', instructions: 'markdown' },
  'api::submission.submission': { text: 'markdown', feedback: 'markdown' },
  'api::announcement.announcement': { title: 'plain', body: 'html' },
  'api::review.review': { body: 'plain' },
  'api::comment.comment': { body: 'html' },
  'api::message.message': { body: 'html' },
  'api::post.post': { title: 'plain', body: 'markdown', hiddenReason: 'plain' },
  'api::post-comment.post-comment': { body: 'html' },
  'api::post-report.post-report': { reason: 'plain' },
  'api::notification.notification': { title: 'plain', body: 'html' },
  'plugin::support.ticket': { subject: 'plain' },
  'plugin::support.ticket-message': { body: 'plain' },
  'api::feedback.feedback': { name: 'plain', message: 'plain' },
  'api::category.category': { name: 'plain', description: 'plain' },
  'api::tag.tag': { name: 'plain' },
  'api::article.article': { title: 'plain', excerpt: 'plain', body: 'markdown' },
  'api::article-category.article-category': { name: 'plain' },
  'blog.author': { name: 'plain', bio: 'plain' },
  'shared.seo': { metaTitle: 'plain', metaDescription: 'plain', keywords: 'plain' },
  'plugin::users-permissions.user': { fullName: 'plain', bio: 'plain' },
  'plugin::marketplace.tutor-profile': { headline: 'plain' },
  'plugin::marketplace.tutor-review': { body: 'plain' },
  'plugin::marketplace.task': { title: 'plain', description: 'plain' },
  'plugin::marketplace.task-offer': { message: 'plain' },
  'plugin::certificates.certificate': {
    studentName: 'plain',
    courseTitle: 'plain',
    teacherNames: 'plain',
    revokeReason: 'plain',
  },
};

/** The profile of one field, or undefined when the field is not user-written text. */
export const textProfileOf = (uid: string, field: string): TextProfile | undefined => TEXT_POLICY[uid]?.[field];

/** One field's value cleaned by its profile (unchanged when the field has none or the value is not a string). */
export function cleanTextField<T>(uid: string, field: string, value: T): T {
  const profile = textProfileOf(uid, field);
  return profile ? cleanText(value, profile) : value;
}

type Attribute = NestedAttribute;

interface TextProblem {
  path: string[];
  message: string;
  name: 'ValidationError';
}

/**
 * Cleans, in place, every policy field of `data` for the model `uid`, and of the components it holds
 * (single, repeatable, dynamic zones), as the document service receives them. A value that said something
 * and is only markup is refused (400 naming it) rather than stored empty.
 */
export function cleanTextFields(strapi: Core.Strapi, uid: string, data: unknown): void {
  const problems = collectTextProblems(strapi, uid, data, []);
  if (problems.length)
    throw new errors.ValidationError(problems.map((problem) => problem.message).join('; '), { errors: problems });
}

function collectTextProblems(strapi: Core.Strapi, uid: string, data: unknown, path: string[]): TextProblem[] {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  const record = data as Record<string, unknown>;
  const problems: TextProblem[] = [];
  for (const field of Object.keys(TEXT_POLICY[uid] ?? {})) {
    const value = record[field];
    if (typeof value !== 'string') continue;
    record[field] = cleanTextField(uid, field, value);
    if (value.trim() && !(record[field] as string).trim()) {
      problems.push({
        path: [...path, field],
        message: `${field} has no text left once markup is removed`,
        name: 'ValidationError',
      });
    }
  }
  const attributes = (strapi.getModel(uid as any)?.attributes ?? {}) as Record<string, Attribute>;
  for (const [field, attribute] of Object.entries(attributes)) {
    const value = record[field];
    if (value == null) continue;
    for (const entry of nestedEntries(attribute, value, [...path, field]))
      problems.push(...collectTextProblems(strapi, entry.uid, entry.data, entry.path));
  }
  return problems;
}

type WriteEvent = { model: { uid: string }; params: { data?: unknown } };

/**
 * Applies the policy on every write. The document service middleware cleans before Strapi validates, so a
 * title that was only markup is refused as empty rather than stored so (admin panel, REST, GraphQL, code).
 * The database lifecycle catches every write that skips the document service: plugin services writing with
 * `strapi.db.query` (reviews, comments, messages, submissions, certificates), users-permissions' register and
 * user updates. The profiles are idempotent, so a row cleaned by both comes out the same.
 */
export function applyTextPolicy(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update', 'clone'].includes(context.action)) return next();
    cleanTextFields(strapi, context.uid, (context.params as { data?: unknown }).data);
    return next();
  });
  const cleanEvent = (event: WriteEvent) => {
    const data = event.params?.data;
    for (const row of Array.isArray(data) ? data : [data]) cleanTextFields(strapi, event.model.uid, row);
  };
  strapi.db.lifecycles.subscribe({
    models: Object.keys(TEXT_POLICY),
    beforeCreate: cleanEvent,
    beforeUpdate: cleanEvent,
    beforeCreateMany: cleanEvent,
    beforeUpdateMany: cleanEvent,
  } as any);
}
