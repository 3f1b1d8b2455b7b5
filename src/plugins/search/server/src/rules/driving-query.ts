/**
 * The part of a search's tsquery that PostgreSQL's GIN indexes are asked (services/search.ts). A GIN index answers
 * `a & b` by decoding the posting lists of both words, and the list of a word most documents have is long: `course
 * 000037` took 4 ms an index (one for titles, one for the text) at 160,000 documents, of which `000037` alone takes
 * 0.01 ms. So when the query is only words that must all be there and some of them are among the column's most common
 * elements (its statistics), the index is asked for the others and the whole query checks the few rows they give.
 * The rows found are the same; only the way to them changes.
 */

/** One lexeme of a tsquery's text form: `'cours'`, a quote doubled inside (`'o''neil'`). */
const LEXEME = /'(?:[^']|'')*'/y;

/**
 * The lexemes of a tsquery's text form (`'cours' & '000037'`) as written there, when it is nothing but lexemes joined
 * by `&`; null for anything else (`|`, `!`, phrases, weights, prefixes), which is asked of the index whole.
 */
export function conjunctLexemes(query: string): string[] | null {
  const lexemes: string[] = [];
  let at = 0;
  for (;;) {
    LEXEME.lastIndex = at;
    const match = LEXEME.exec(query);
    if (!match) return null;
    lexemes.push(match[0]);
    at = LEXEME.lastIndex;
    if (at === query.length) return lexemes;
    if (!query.startsWith(' & ', at)) return null;
    at += 3;
  }
}

/** A lexeme as written in a tsquery's text form, unquoted: what pg_stats lists. */
const unquoted = (lexeme: string) => lexeme.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1');

/**
 * The tsquery (text form) to ask the index for `query`, given the column's most common lexemes: the lexemes of an
 * all-`&` query that are not common, or null to ask the whole query (nothing to leave out, or nothing else left).
 */
export function drivingQuery(query: string, common: ReadonlySet<string>): string | null {
  const lexemes = conjunctLexemes(query);
  if (!lexemes || lexemes.length < 2) return null;
  const rare = lexemes.filter((lexeme) => !common.has(unquoted(lexeme)));
  if (rare.length === 0 || rare.length === lexemes.length) return null;
  return rare.join(' & ');
}
