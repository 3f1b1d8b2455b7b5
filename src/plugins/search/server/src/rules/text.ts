import { STOP_WORDS } from './stop-words';

type Stemmer = { stemmer: (word: string) => string };
// Required, not imported: the package exposes its languages through `exports` subpaths, which this tsconfig's module
// resolution (Node 10 style) cannot see; Node itself resolves them.
/* eslint-disable @typescript-eslint/no-require-imports */
const { stemmer: stemEnglish } = require('@orama/stemmers/english') as Stemmer;
const { stemmer: stemRussian } = require('@orama/stemmers/russian') as Stemmer;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Text as the search index holds it: plain words, no markup. Pure functions, shared by the PostgreSQL index (which
 * stems with its `russian` configuration) and the SQLite one (which stems here, with the same Snowball stemmers and
 * stop words, so both find the same documents).
 */

/** Markers ts_headline and the SQLite snippet put around a match; never kept in indexed text, so never forged. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

/** Readable text from Markdown or HTML: tags, images, link targets, emphasis and heading marks gone. */
export function plainText(source: string | null | undefined): string {
  if (!source) return '';
  return source
    .replace(/[\uE000\uE001]/g, '')
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/&nbsp;/g, ' ')
    .replace(
      /&(amp|lt|gt|quot|#39);/g,
      (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? ' '
    )
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~]{1,3}/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /[\u0400-\u04FF]/;

/** The words of a text, lower-case, `ё` read as `е` (as Russian writers mostly do). */
export const wordsOf = (text: string): string[] =>
  (text.toLowerCase().replace(/ё/g, 'е').match(WORD) ?? []) as string[];

/**
 * The most times one word of a text counts towards its rank on PostgreSQL. ts_rank weighs every pair of positions of
 * the query's words, so a two-word query over texts that repeat both words a hundred times costs ten thousand steps a
 * document (43 ms for the bench's 300 articles); past a few occurrences a word adds next to nothing to the rank.
 */
export const RANKED_REPEATS = 8;

/**
 * The text a document is ranked by in place of `text` (PostgreSQL's `rank_vector`): its tokens in order, less each
 * word's occurrences past RANKED_REPEATS, so every word is still there and nearby words stay near. Null when nothing
 * is left out: the document is then ranked by its whole vector.
 */
export function rankedText(text: string): string | null {
  const seen = new Map<string, number>();
  let dropped = false;
  const kept = text.split(/\s+/).filter((token) => {
    const key = wordsOf(token).join(' ');
    if (key === '') return true;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count <= RANKED_REPEATS) return true;
    dropped = true;
    return false;
  });
  return dropped ? kept.join(' ') : null;
}

/** One word's stem: Russian Snowball for Cyrillic words, English for the rest (PostgreSQL's `russian` does the same). */
export function stemOf(word: string): string {
  if (CYRILLIC.test(word)) return stemRussian(word);
  if (/^[a-z]+$/.test(word)) return stemEnglish(word);
  return word;
}

export const isStopWord = (word: string): boolean => STOP_WORDS.has(word);

/** A text as the SQLite full-text table stores it: each word stemmed, stop words left out. */
export const stemmedText = (text: string): string =>
  wordsOf(text)
    .filter((word) => !isStopWord(word))
    .map(stemOf)
    .join(' ');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);

/** A snippet with its matches between MATCH_START and MATCH_END as the contract's `snippet`: escaped, `<mark>` only. */
export const markedSnippet = (text: string): string =>
  escapeHtml(text)
    .replace(/\uE000/g, '<mark>')
    .replace(/\uE001/g, '</mark>');

/**
 * The SQLite side of ts_headline: about `maxWords` words of `text` around its first word whose stem the query has,
 * each such word between the match markers. Without a match, the text's start.
 */
export function headline(text: string, stems: ReadonlySet<string>, maxWords = 30): string {
  const tokens = text.split(/(\s+)/).filter((token) => token !== '');
  const isMatch = (token: string) => wordsOf(token).some((word) => !isStopWord(word) && stems.has(stemOf(word)));
  const words = tokens.filter((token) => !/^\s+$/.test(token));
  const firstMatch = Math.max(0, words.findIndex(isMatch));
  const start = Math.max(0, Math.min(firstMatch - 5, words.length - maxWords));
  const shown = words.slice(start, start + maxWords).map((word) => (isMatch(word) ? markWord(word) : word));
  return `${start > 0 ? '… ' : ''}${shown.join(' ')}${start + maxWords < words.length ? ' …' : ''}`;
}

/** Marks the letters of a token, not the punctuation stuck to it. */
const markWord = (token: string): string =>
  token.replace(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u, `$1${MATCH_START}$2${MATCH_END}$3`);

/** Levenshtein distance, stopping early once it exceeds `limit` (suggestions only ever ask about 0 or 1). */
export function editDistance(a: string, b: string, limit = 1): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous: number[] = [];
  for (let j = 0; j <= b.length; j += 1) previous.push(j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMinimum = Math.min(rowMinimum, current[j]);
    }
    if (rowMinimum > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}
