import { editDistance, wordsOf } from './text';

/**
 * Which titles complete what a visitor is typing (CONTRACT "Search": completions tolerant of one typo in words of
 * five letters or more). The last word of the query is a prefix still being typed; the words before it are whole.
 * The database only proposes candidates (pg_trgm on PostgreSQL, the trigram table on SQLite); this rule decides, the
 * same way on both.
 */

/** Words shorter than this must be typed exactly. */
export const TYPO_MIN_LENGTH = 5;
export const MAX_SUGGESTIONS = 10;

// Five letters: a number ("00012", "2024") has none, so it is typed exactly (a typo in it is another number).
const allowedEdits = (word: string) => (word.length >= TYPO_MIN_LENGTH && /\p{L}/u.test(word) ? 1 : 0);

/** Edits between a typed prefix and the start of a title word (a typed letter may be missing or extra). */
function prefixEdits(prefix: string, word: string): number {
  const limit = allowedEdits(prefix);
  if (word.startsWith(prefix)) return 0;
  if (limit === 0) return 1;
  let best = limit + 1;
  for (const length of [prefix.length - 1, prefix.length, prefix.length + 1]) {
    if (length < 1 || length > word.length) continue;
    best = Math.min(best, editDistance(prefix, word.slice(0, length), limit));
  }
  return best;
}

function wordEdits(typed: string, word: string): number {
  if (word === typed || word.startsWith(typed)) return 0;
  return editDistance(typed, word, allowedEdits(typed));
}

/**
 * Whether a word of a title may be what a visitor typed with at most the typos allowed: as a prefix still being
 * typed (`isLast`) or as a whole word. Used to pick, among all words of all titles, those a typed word may stand for.
 */
export function mayStandFor(typed: string, word: string, isLast: boolean): boolean {
  return (isLast ? prefixEdits(typed, word) : wordEdits(typed, word)) <= allowedEdits(typed);
}

/** Whether a typed word may carry a typo at all (shorter ones must be typed exactly). */
export const mayHaveTypo = (typed: string): boolean => allowedEdits(typed) > 0;

/**
 * How many typos it takes for `title` to complete `query`: 0 when it completes it as typed, one per long word typed
 * with a typo, null when it does not complete it. Each typed word must match a different word of the title.
 */
export function completionTypos(query: string, title: string): number | null {
  return completionTyposOf(query)(title);
}

/** completionTypos for many titles of one query: its words are read once (a suggestion weighs up to 100 titles). */
export function completionTyposOf(query: string): (title: string) => number | null {
  const typed = wordsOf(query);
  return (title) => typosOfTitle(typed, title);
}

function typosOfTitle(typed: string[], title: string): number | null {
  if (typed.length === 0) return null;
  const words = wordsOf(title);
  const used = new Set<number>();
  let typos = 0;
  for (const [position, word] of typed.entries()) {
    const isLast = position === typed.length - 1;
    let bestIndex = -1;
    let bestEdits = Infinity;
    for (const [index, candidate] of words.entries()) {
      if (used.has(index)) continue;
      const edits = isLast ? prefixEdits(word, candidate) : wordEdits(word, candidate);
      if (edits < bestEdits) [bestIndex, bestEdits] = [index, edits];
      if (edits === 0) break;
    }
    if (bestIndex < 0 || bestEdits > allowedEdits(word)) return null;
    used.add(bestIndex);
    typos += bestEdits;
  }
  return typos;
}

/** Trigrams of a word as pg_trgm and SQLite's trigram tokenizer see its inside (for the SQLite candidate query). */
export function trigramsOf(word: string): string[] {
  const grams = new Set<string>();
  for (let index = 0; index + 3 <= word.length; index += 1) grams.add(word.slice(index, index + 3));
  return [...grams];
}
