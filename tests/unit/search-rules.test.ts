import { ftsExpression, readSearchRequest } from '../../src/plugins/search/server/src/rules/search-request';
import { completionTypos } from '../../src/plugins/search/server/src/rules/suggestions';
import { conjunctLexemes, drivingQuery } from '../../src/plugins/search/server/src/rules/driving-query';
import {
  RANKED_REPEATS,
  headline,
  markedSnippet,
  plainText,
  rankedText,
  stemmedText,
} from '../../src/plugins/search/server/src/rules/text';

describe('stems as the SQLite index stores them', () => {
  test.each([
    ['курсы', 'курс'],
    ['Курсов программирования', 'курс программирован'],
    ['running courses', 'run cours'],
    ['the running of a course и в курсы', 'run cours курс'],
  ])('%s → %s', (text, stems) => expect(stemmedText(text)).toBe(stems));
});

describe('the full-text expression never passes query syntax through', () => {
  test.each([
    ['running courses', '"run" AND "cours"'],
    ['"learn typescript" -java', '"learn typescript" NOT "java"'],
    ['python or ruby', '("python" OR "rubi")'],
    ['NEAR(a b) * ^ :', '"near" AND "b"'],
  ])('%s → %s', (q, expression) => expect(ftsExpression(q)?.expression).toBe(expression));
  test.each([
    ['running courses', '(title : ("run" AND "cours"))', '("run" AND "cours") NOT (title : ("run" AND "cours"))'],
    [
      '"learn typescript" -java',
      '(title : ("learn typescript")) NOT "java"',
      '("learn typescript") NOT "java" NOT (title : ("learn typescript"))',
    ],
  ])(
    '%s splits into title matches %s and the others %s (a capped search ranks title matches first)',
    (q, title, others) => expect(ftsExpression(q)).toMatchObject({ titleExpression: title, textOnlyExpression: others })
  );
  test.each(['!!! & | :* ( )', 'the of and', '-only'])('%j → nothing to search', (q) =>
    expect(ftsExpression(q)).toBeNull()
  );
});

describe('completions with one typo in long words', () => {
  test.each([
    ['typescr', 'TypeScript Generics', 0],
    ['typscript', 'TypeScript Generics', 1],
    ['generucs', 'TypeScript Generics', 1],
    ['gemerucs', 'TypeScript Generics', null],
    ['jaca', 'Java basics', null],
    ['java bas', 'Java basics', 0],
    ['питн', 'Питон', null],
    ['питон для', 'Питон для всех', 0],
    ['course 00012', 'Course 000123', 0],
    ['course 00013', 'Course 000123', null], // a number has no letters: typed exactly, however long
    ['course 2025', 'Course 2024', null],
  ])('%s completes %s with %s typo(s)', (q, title, typos) => expect(completionTypos(q, title)).toBe(typos));
});

describe('the text a long document is ranked by (PostgreSQL)', () => {
  test('keeps each word up to RANKED_REPEATS times, every word at least once, in order', () => {
    const body = 'A paragraph about learning. '.repeat(20) + 'Closing words.';
    const ranked = rankedText(body)!;
    expect(ranked.split(' ').filter((token) => token === 'learning.')).toHaveLength(RANKED_REPEATS);
    expect(ranked.split(' ').filter((token) => token === 'A')).toHaveLength(RANKED_REPEATS);
    expect(ranked.endsWith('Closing words.')).toBe(true);
    expect(ranked.startsWith('A paragraph about learning. A paragraph')).toBe(true);
  });
  test('counts a word whatever its case and punctuation, tokens without words always kept', () => {
    const ranked = rankedText(`${'Курс, курс; КУРС — '.repeat(4)}end`)!;
    expect(ranked.split(' ').filter((token) => /курс/i.test(token))).toHaveLength(RANKED_REPEATS);
    expect(ranked.split(' ').filter((token) => token === '—')).toHaveLength(4);
  });
  test('is null when nothing would be left out (the whole vector is ranked)', () => {
    expect(rankedText('A short body, each word once or twice: once.')).toBeNull();
    expect(rankedText('')).toBeNull();
  });
});

describe('the part of a query the indexes are asked (PostgreSQL)', () => {
  const common = new Set(['cours', 'lesson', "o'neil"]);
  test.each([
    ["'cours' & '000037'", "'000037'"],
    ["'000037' & 'cours' & 'lesson'", "'000037'"],
    ["'cours' & 'rare' & 'other'", "'rare' & 'other'"],
    ["'o''neil' & 'rare'", "'rare'"],
  ])('%s: %s', (query, driving) => expect(drivingQuery(query, common)).toBe(driving));
  test.each([
    ["'cours'", 'one word'],
    ["'cours' & 'lesson'", 'every word common'],
    ["'rare' & 'other'", 'no word common'],
    ["'cours' | '000037'", 'an alternative'],
    ["'cours' & !'000037'", 'an exclusion'],
    ["'cours' <-> '000037'", 'a phrase'],
    ["( 'cours' | 'lesson' ) & '000037'", 'a group'],
    ['', 'nothing'],
  ])('%s is asked whole (%s)', (query) => expect(drivingQuery(query, common)).toBeNull());
  test('reads the lexemes of an all-& query as written, quotes doubled inside', () => {
    expect(conjunctLexemes("'a' & 'b''c' & 'd'")).toEqual(["'a'", "'b''c'", "'d'"]);
    expect(conjunctLexemes("'a' & 'b'x")).toBeNull();
    expect(conjunctLexemes("'a' &")).toBeNull();
  });
});

describe('snippets', () => {
  test('plain text from Markdown and HTML, matches marked, the rest escaped', () => {
    const text = plainText('## Title\n\n**Running** <b>fast</b> & a < b [link](http://x)');
    expect(text).toBe('Title Running fast & a < b link');
    expect(markedSnippet(headline(text, new Set(['run'])))).toBe('Title <mark>Running</mark> fast &amp; a &lt; b link');
  });
});

test('page sizes over 100 are refused', () => {
  expect(() => readSearchRequest({ q: 'x', pageSize: '101' }, ['course'])).toThrow(/not valid|pageSize/);
});
