import { SUPPORTED_LOCALES, type SupportedLocale } from '../../../../../content/locales';
import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';
import { isStopWord, stemOf, wordsOf } from './text';

/**
 * What `GET /search` and `GET /search/suggest` accept (CONTRACT "Search"), read into plain values: each bad value is
 * a 400 naming its parameter, never a query the database would choke on.
 */

export const QUERY_MAX_LENGTH = 200;
export const SORTS = ['relevance', 'rating', 'popular', 'newest'] as const;
export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export const PRICES = ['free', 'paid'] as const;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

export type SearchSort = (typeof SORTS)[number];
export type PriceClass = (typeof PRICES)[number];

export interface SearchRequest {
  q: string;
  types: string[];
  locale: SupportedLocale | null;
  category: string | null;
  level: string | null;
  price: PriceClass | null;
  ratingMin: number | null;
  sort: SearchSort;
  page: number;
  pageSize: number;
}

export interface SuggestRequest {
  q: string;
  types: string[];
  locale: SupportedLocale | null;
}

type Query = Record<string, unknown>;

/** A single text parameter: undefined when absent or empty; a 400 when repeated or not text. */
function text(query: Query, name: string, problems: FieldError[]): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push(fieldProblem(name, `${name} must be given once, as text`));
    return undefined;
  }
  return value;
}

function oneOf<T extends string>(query: Query, name: string, allowed: readonly T[], problems: FieldError[]): T | null {
  const value = text(query, name, problems);
  if (value === undefined) return null;
  if (!(allowed as readonly string[]).includes(value)) {
    problems.push(fieldProblem(name, `${name} must be one of ${allowed.join(', ')}`));
    return null;
  }
  return value as T;
}

function searchText(query: Query, problems: FieldError[]): string {
  const value = text(query, 'q', problems)?.trim();
  if (!value) {
    problems.push(fieldProblem('q', 'q is required: the words to search for'));
    return '';
  }
  if ([...value].length > QUERY_MAX_LENGTH) {
    problems.push(fieldProblem('q', `q must be at most ${QUERY_MAX_LENGTH} characters`));
    return '';
  }
  return value;
}

function types(query: Query, known: readonly string[], problems: FieldError[]): string[] {
  const value = text(query, 'type', problems);
  if (value === undefined) return [...known];
  const named = [...new Set(value.split(',').map((part) => part.trim()))];
  const unknown = named.filter((name) => !known.includes(name));
  if (unknown.length > 0 || named.length === 0) {
    problems.push(fieldProblem('type', `type must be one or more of ${known.join(', ')}, comma-separated`));
    return [];
  }
  return named;
}

function positive(value: unknown, name: string, problems: FieldError[]): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) < 1) {
    problems.push(fieldProblem(name, `${name} must be a positive integer`));
    return undefined;
  }
  return Number(value);
}

function ratingMin(query: Query, problems: FieldError[]): number | null {
  const value = text(query, 'ratingMin', problems);
  if (value === undefined) return null;
  const number = /^\d(\.\d{1,2})?$/.test(value) ? Number(value) : NaN;
  if (!(number >= 0 && number <= 5)) {
    problems.push(fieldProblem('ratingMin', 'ratingMin must be a number from 0 to 5'));
    return null;
  }
  return number;
}

/** `GET /search`'s query. `category` is checked against the categories by the service (it needs the database). */
export function readSearchRequest(query: Query, knownTypes: readonly string[]): SearchRequest {
  const problems: FieldError[] = [];
  const nested = (query.pagination && typeof query.pagination === 'object' ? query.pagination : {}) as Query;
  const request: SearchRequest = {
    q: searchText(query, problems),
    types: types(query, knownTypes, problems),
    locale: oneOf(query, 'locale', SUPPORTED_LOCALES, problems),
    category: text(query, 'category', problems) ?? null,
    level: oneOf(query, 'level', LEVELS, problems),
    price: oneOf(query, 'price', PRICES, problems),
    ratingMin: ratingMin(query, problems),
    sort: oneOf(query, 'sort', SORTS, problems) ?? 'relevance',
    page: positive(query.page ?? nested.page, 'page', problems) ?? 1,
    pageSize: positive(query.pageSize ?? nested.pageSize, 'pageSize', problems) ?? DEFAULT_PAGE_SIZE,
  };
  if (request.category !== null && request.category.length > 255)
    problems.push(fieldProblem('category', 'category must be the slug of a category'));
  if (request.pageSize > MAX_PAGE_SIZE)
    problems.push(fieldProblem('pageSize', `pageSize must be at most ${MAX_PAGE_SIZE}`));
  throwIfInvalid(problems);
  return request;
}

/** `GET /search/suggest`'s query. */
export function readSuggestRequest(query: Query, knownTypes: readonly string[]): SuggestRequest {
  const problems: FieldError[] = [];
  const request: SuggestRequest = {
    q: searchText(query, problems),
    types: types(query, knownTypes, problems),
    locale: oneOf(query, 'locale', SUPPORTED_LOCALES, problems),
  };
  throwIfInvalid(problems);
  return request;
}

/**
 * The SQLite full-text expression for a query, read the way websearch_to_tsquery reads it: words must all occur,
 * `"a phrase"` in that order, `-word` must not occur, `or` between two words accepts either. Every word is stemmed and
 * quoted, so no character of the query is ever FTS5 syntax. Null when nothing searchable is left (only stop words,
 * only operators, only exclusions): the answer is then empty.
 *
 * Split as search ranks a capped answer (services/search.ts): `titleExpression` matches the documents whose title has
 * what is required, `textOnlyExpression` the other matches; together they are exactly `expression`'s.
 */
export function ftsExpression(
  q: string
): { expression: string; titleExpression: string; textOnlyExpression: string; stems: Set<string> } | null {
  const stems = new Set<string>();
  const quote = (words: string[]) => `"${words.join(' ')}"`;
  const required: string[] = [];
  const excluded: string[] = [];
  // Phrases in quotes, then single words with an optional leading minus.
  const pieces = q.match(/-?"[^"]*"?|\S+/g) ?? [];
  let pendingOr = false;
  for (const piece of pieces) {
    const negative = piece.startsWith('-');
    const body = negative ? piece.slice(1) : piece;
    if (!negative && /^or$/i.test(body) && required.length > 0) {
      pendingOr = true;
      continue;
    }
    const words = wordsOf(body)
      .filter((word) => !isStopWord(word))
      .map(stemOf);
    if (words.length === 0) continue;
    if (negative) {
      excluded.push(quote(words));
      continue;
    }
    for (const word of words) stems.add(word);
    const term = quote(words);
    if (pendingOr) required.push(`(${required.pop()} OR ${term})`);
    else required.push(term);
    pendingOr = false;
  }
  if (required.length === 0) return null;
  const all = required.join(' AND ');
  const exclusions = excluded.map((term) => ` NOT ${term}`).join('');
  const inTitle = `title : (${all})`;
  return {
    expression: all + exclusions,
    titleExpression: `(${inTitle})${exclusions}`,
    textOnlyExpression: `(${all})${exclusions} NOT (${inTitle})`,
    stems,
  };
}
