import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';
import { parseQuestions, type PostQuestion } from './quiz-questions';

/**
 * What a post write may say (contract "Social learning"), checked before anything is stored. Pure: the service
 * resolves tags and files afterwards. Text is cleaned by the text policy (src/content/text-policy.ts: `title`
 * plain, `body` Markdown), which strips scripts, event handlers and `javascript:` links on every write path.
 */
export const POST_KINDS = ['note', 'article', 'video', 'quiz'] as const;
export type PostKind = (typeof POST_KINDS)[number];
export const VISIBILITIES = ['public', 'followers'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export type PostStatus = 'draft' | 'published';

/** Longest body accepted, counted before cleaning (contract: > 50,000 characters → 400). */
export const BODY_LIMIT = 50_000;
export const TITLE_LIMIT = 200;
export const TAGS_LIMIT = 10;

export const POST_FIELDS = ['kind', 'title', 'body', 'video', 'tags', 'visibility', 'questions', 'status'] as const;

export interface PostInput {
  kind?: PostKind;
  title?: string;
  body?: string | null;
  /** An upload's id; null detaches. */
  video?: number | null;
  /** Tag documentIds. */
  tags?: string[];
  visibility?: Visibility;
  questions?: PostQuestion[];
  status?: PostStatus;
}

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value);

/** A post write's body as typed values; every problem at once as a 400 naming the fields. */
export function parsePostInput(body: Record<string, unknown>, mode: 'create' | 'update'): PostInput {
  const problems: FieldError[] = [];
  const input: PostInput = {};
  if (body.kind !== undefined || mode === 'create') {
    if (isOneOf(POST_KINDS, body.kind)) input.kind = body.kind;
    else problems.push(fieldProblem('kind', `kind must be one of ${POST_KINDS.join(', ')}`));
  }
  if (body.title !== undefined || mode === 'create') {
    if (typeof body.title !== 'string' || !body.title.trim())
      problems.push(fieldProblem('title', 'title must be non-empty text'));
    else if (body.title.length > TITLE_LIMIT)
      problems.push(fieldProblem('title', `title must be at most ${TITLE_LIMIT} characters`));
    else input.title = body.title.trim();
  }
  if (body.body !== undefined) {
    if (body.body === null) input.body = null;
    else if (typeof body.body !== 'string') problems.push(fieldProblem('body', 'body must be text'));
    else if (body.body.length > BODY_LIMIT)
      problems.push(fieldProblem('body', `body must be at most ${BODY_LIMIT} characters`));
    else input.body = body.body;
  }
  if (body.video !== undefined) {
    if (body.video === null) input.video = null;
    else if (typeof body.video === 'number' && Number.isSafeInteger(body.video) && body.video > 0)
      input.video = body.video;
    else problems.push(fieldProblem('video', 'video must be the id of an uploaded file, or null'));
  }
  if (body.tags !== undefined) {
    if (
      !Array.isArray(body.tags) ||
      !body.tags.every((tag) => typeof tag === 'string' && /^[A-Za-z0-9]{1,64}$/.test(tag))
    )
      problems.push(fieldProblem('tags', 'tags must be a list of tag documentIds'));
    else if (new Set(body.tags).size > TAGS_LIMIT)
      problems.push(fieldProblem('tags', `a post has at most ${TAGS_LIMIT} tags`));
    else input.tags = [...new Set(body.tags as string[])];
  }
  if (body.visibility !== undefined) {
    if (isOneOf(VISIBILITIES, body.visibility)) input.visibility = body.visibility;
    else problems.push(fieldProblem('visibility', `visibility must be one of ${VISIBILITIES.join(', ')}`));
  }
  if (body.status !== undefined) {
    if (body.status === 'draft' || body.status === 'published') input.status = body.status;
    else problems.push(fieldProblem('status', 'status must be draft or published'));
  }
  if (body.questions !== undefined) {
    const parsed = parseQuestions(body.questions);
    problems.push(...parsed.problems);
    input.questions = parsed.questions;
  }
  throwIfInvalid(problems);
  return input;
}

/** The post as it would be after the write: what the kind-specific rules look at. */
export interface PostShape {
  kind: PostKind;
  body: string | null;
  hasVideo: boolean;
  questions: readonly PostQuestion[] | null;
  status: PostStatus;
}

/**
 * Kind rules on the resulting post: a published note or article says something, a published video has its file,
 * a published quiz has questions; questions belong to quizzes and video files to videos. Drafts may be unfinished.
 */
export function assertPostShape(post: PostShape, sent: PostInput): void {
  const problems: FieldError[] = [];
  if (sent.questions !== undefined && post.kind !== 'quiz' && sent.questions.length > 0)
    problems.push(fieldProblem('questions', 'only quiz posts have questions'));
  if (sent.video !== undefined && sent.video !== null && post.kind !== 'video')
    problems.push(fieldProblem('video', 'only video posts have a video'));
  if (post.status === 'published') {
    if ((post.kind === 'note' || post.kind === 'article') && !post.body?.trim())
      problems.push(fieldProblem('body', `a published ${post.kind} needs a body`));
    if (post.kind === 'video' && !post.hasVideo)
      problems.push(fieldProblem('video', 'a published video post needs its video'));
    if (post.kind === 'quiz' && !post.questions?.length)
      problems.push(fieldProblem('questions', 'a published quiz post needs at least one question'));
  }
  throwIfInvalid(problems);
}
