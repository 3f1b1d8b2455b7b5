import { bodyWithOnly } from '../../../../../access/params';
import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';
import { currencyCode, currencyExponent } from '../../../../../content/currencies';
import { languageCode } from './iso-codes';
import { toMajor, toMajorNumber, toMinor } from '../../../../commerce/server/src/facade';

/** `PUT /me/tutor-profile`: what a teacher may set (contract "Tutor marketplace"). */
export interface TutorProfileInput {
  headline?: string;
  subjects?: string[];
  experienceYears?: number;
  hourlyRate?: string;
  currency?: string;
  languages?: string[];
  /** An upload file id (a video of the caller's), or null to remove it. */
  introVideo?: number | null;
}

export const PROFILE_FIELDS = [
  'headline',
  'subjects',
  'experienceYears',
  'hourlyRate',
  'currency',
  'languages',
  'introVideo',
] as const;

export const HEADLINE_MAX = 200;
export const MAX_SUBJECTS = 10;
export const MAX_LANGUAGES = 10;
export const MAX_EXPERIENCE_YEARS = 80;
/** In the major unit: far above any tutor's hour. */
export const MAX_HOURLY_RATE = 1_000_000;
const DOCUMENT_ID = /^[A-Za-z0-9]{1,64}$/;

/**
 * A rate in the currency's major unit as a decimal string with the currency's decimals (`"25.00"`, JPY `"3000"`),
 * or null when it is not a non-negative amount with at most that many decimals (commerce's money rules), or above
 * the largest rate.
 */
export function normalizeRate(value: unknown, currency: string): string | null {
  const minor = toMinor(value, currency);
  if (minor === null || toMajorNumber(minor, currency) > MAX_HOURLY_RATE) return null;
  return toMajor(minor, currency);
}

function stringList(
  value: unknown,
  field: string,
  max: number,
  read: (item: unknown) => string | null,
  what: string,
  problems: FieldError[]
): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(fieldProblem(field, `${field} must be a non-empty list of ${what}`));
    return undefined;
  }
  if (value.length > max) {
    problems.push(fieldProblem(field, `${field} takes at most ${max} entries`));
    return undefined;
  }
  const items: string[] = [];
  for (const item of value) {
    const read_ = read(item);
    if (read_ === null) {
      problems.push(fieldProblem(field, `${field} must list ${what}; ${JSON.stringify(item)} is not one`));
      return undefined;
    }
    if (!items.includes(read_)) items.push(read_);
  }
  return items;
}

/**
 * The body of `PUT /me/tutor-profile`, each field checked (400 naming every bad one). Absent fields keep what is
 * stored; `stored` gives the currency a rate alone is checked against. Whether subjects exist is the service's call.
 */
export function parseTutorProfileInput(body: unknown, stored: { currency: string | null }): TutorProfileInput {
  const data = bodyWithOnly(body, PROFILE_FIELDS);
  const problems: FieldError[] = [];
  const input: TutorProfileInput = {};
  if (data.headline !== undefined) {
    const headline = typeof data.headline === 'string' ? data.headline.trim() : '';
    if (headline.length === 0 || headline.length > HEADLINE_MAX)
      problems.push(fieldProblem('headline', `headline must be text of 1 to ${HEADLINE_MAX} characters`));
    else input.headline = headline;
  }
  if (data.subjects !== undefined) {
    input.subjects = stringList(
      data.subjects,
      'subjects',
      MAX_SUBJECTS,
      (item) => (typeof item === 'string' && DOCUMENT_ID.test(item) ? item : null),
      'tag documentIds',
      problems
    );
  }
  if (data.languages !== undefined) {
    input.languages = stringList(data.languages, 'languages', MAX_LANGUAGES, languageCode, 'ISO 639-1 codes', problems);
  }
  if (data.experienceYears !== undefined) {
    const years = data.experienceYears;
    if (typeof years !== 'number' || !Number.isInteger(years) || years < 0 || years > MAX_EXPERIENCE_YEARS)
      problems.push(
        fieldProblem('experienceYears', `experienceYears must be a whole number from 0 to ${MAX_EXPERIENCE_YEARS}`)
      );
    else input.experienceYears = years;
  }
  let currency: string | null = stored.currency;
  if (data.currency !== undefined) {
    const code = currencyCode(data.currency);
    if (code === null) problems.push(fieldProblem('currency', 'currency must be an ISO 4217 code such as USD'));
    else input.currency = currency = code;
  }
  if (data.hourlyRate !== undefined) {
    if (currency === null) {
      if (data.currency === undefined) problems.push(fieldProblem('currency', 'currency is required with hourlyRate'));
    } else {
      const rate = normalizeRate(data.hourlyRate, currency);
      if (rate === null)
        problems.push(
          fieldProblem(
            'hourlyRate',
            `hourlyRate must be an amount from 0 to ${MAX_HOURLY_RATE} with at most ${currencyExponent(currency)} decimals`
          )
        );
      else input.hourlyRate = rate;
    }
  }
  if (data.introVideo !== undefined) {
    const video = data.introVideo;
    if (video === null) input.introVideo = null;
    else if (typeof video === 'number' && Number.isSafeInteger(video) && video > 0 && video <= 2_147_483_647)
      input.introVideo = video;
    else problems.push(fieldProblem('introVideo', 'introVideo must be the id of an uploaded video, or null'));
  }
  throwIfInvalid(problems);
  return input;
}

/** A new profile needs these; an update may leave them out. */
export const REQUIRED_ON_CREATE = ['headline', 'subjects', 'hourlyRate', 'currency', 'languages'] as const;

export function missingOnCreate(input: TutorProfileInput): FieldError[] {
  return REQUIRED_ON_CREATE.filter((field) => input[field] === undefined).map((field) =>
    fieldProblem(field, `${field} is required`)
  );
}

/** The tutor list's query: filters, sort and search (contract "Tutor marketplace"). */
export const TUTOR_SORTS = ['relevance', 'rating', 'price', 'experience'] as const;
export type TutorSort = (typeof TUTOR_SORTS)[number];

export interface TutorListRequest {
  q: string | null;
  subject: string | null;
  language: string | null;
  priceMax: number | null;
  ratingMin: number | null;
  sort: TutorSort;
}

export const Q_MAX_LENGTH = 200;

export function readTutorListRequest(query: Record<string, unknown>): TutorListRequest {
  const problems: FieldError[] = [];
  const text = (field: string): string | null => {
    const value = query[field];
    if (value === undefined || value === '') return null;
    if (typeof value !== 'string') {
      problems.push(fieldProblem(field, `${field} must be given once, as text`));
      return null;
    }
    return value;
  };
  const number = (field: string, min: number, max: number): number | null => {
    const value = text(field);
    if (value === null) return null;
    const parsed = /^\d{1,9}(\.\d{1,4})?$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      problems.push(fieldProblem(field, `${field} must be a number from ${min} to ${max}`));
      return null;
    }
    return parsed;
  };
  let q = text('q');
  if (q !== null) {
    q = q.trim();
    if (q.length > Q_MAX_LENGTH) problems.push(fieldProblem('q', `q must be at most ${Q_MAX_LENGTH} characters`));
    if (q === '') q = null;
  }
  const subject = text('subject');
  if (subject !== null && !DOCUMENT_ID.test(subject))
    problems.push(fieldProblem('subject', 'subject must be a tag documentId'));
  const languageText = text('language');
  const language = languageText === null ? null : languageCode(languageText);
  if (languageText !== null && language === null)
    problems.push(fieldProblem('language', 'language must be an ISO 639-1 code such as en'));
  const priceMax = number('priceMax', 0, MAX_HOURLY_RATE);
  const ratingMin = number('ratingMin', 0, 5);
  const sortText = text('sort');
  let sort: TutorSort = q !== null ? 'relevance' : 'rating';
  if (sortText !== null) {
    if ((TUTOR_SORTS as readonly string[]).includes(sortText)) sort = sortText as TutorSort;
    else problems.push(fieldProblem('sort', `sort must be one of ${TUTOR_SORTS.join(', ')}`));
  }
  throwIfInvalid(problems);
  return { q, subject, language, priceMax, ratingMin, sort };
}

/** `POST /tutors/:id/reviews { rating 1..5, body }`. */
export interface TutorReviewInput {
  rating: number;
  body: string;
}

export const REVIEW_BODY_MAX = 5000;

export function parseTutorReviewInput(body: unknown): TutorReviewInput {
  const data = bodyWithOnly(body, ['rating', 'body']);
  const problems: FieldError[] = [];
  const rating = data.rating;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5)
    problems.push(fieldProblem('rating', 'rating must be a whole number from 1 to 5'));
  const text = data.body === undefined || data.body === null ? '' : data.body;
  if (typeof text !== 'string' || text.length > REVIEW_BODY_MAX)
    problems.push(fieldProblem('body', `body must be text of at most ${REVIEW_BODY_MAX} characters`));
  throwIfInvalid(problems);
  return { rating: rating as number, body: (text as string).trim() };
}
