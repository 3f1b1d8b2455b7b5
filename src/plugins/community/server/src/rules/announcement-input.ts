import { cleanTextField } from '../../../../../content/text-policy';
import { fieldProblem, throwIfInvalid } from '../../../../../errors/refusal';
import { readBody, readText } from './field-errors';

const ANNOUNCEMENT = 'api::announcement.announcement';

export const ANNOUNCEMENT_TITLE_MAX = 200;
export const ANNOUNCEMENT_BODY_MAX = 20_000;

/** `{ title, body }` of course news; the body is sanitised HTML and must keep some content once cleaned. */
export function parseAnnouncementInput(body: unknown): { title: string; body: string } {
  const { fields, problems } = readBody(body, ['title', 'body']);
  const title = readText(fields, 'title', { min: 1, max: ANNOUNCEMENT_TITLE_MAX, required: true }, problems);
  const raw = readText(fields, 'body', { min: 1, max: ANNOUNCEMENT_BODY_MAX, required: true }, problems);
  // Profiles from src/content/text-policy.ts: the title is plain text, the body sanitised HTML.
  const cleanTitle = title === undefined ? undefined : cleanTextField(ANNOUNCEMENT, 'title', title);
  if (cleanTitle !== undefined && cleanTitle.length === 0)
    problems.push(fieldProblem('title', 'title has no text left once markup is removed'));
  const clean = raw === undefined ? undefined : cleanTextField(ANNOUNCEMENT, 'body', raw);
  if (clean !== undefined && clean.length === 0)
    problems.push(fieldProblem('body', 'body has no content left once unsafe markup is removed'));
  throwIfInvalid(problems);
  return { title: cleanTitle!, body: clean! };
}
