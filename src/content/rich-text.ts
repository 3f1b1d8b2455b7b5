import sanitizeHtml from 'sanitize-html';

/**
 * The one place that says what user-written text may keep. Three profiles, chosen per field in
 * text-policy.ts:
 *
 * - `plain`: every tag removed (script, style and the like with their content); the text itself is kept as
 *   typed, so `Tom & Jerry`, `2 < 3` and Cyrillic come back unchanged. What is left never holds a `<`
 *   followed by a letter, `/`, `!` or `?`, so no renderer can read a tag into it.
 * - `html`: sanitised HTML (comments, messages, course news, broadcast bodies): basic formatting and links
 *   with http(s) and mailto only; every other tag, attribute and URL scheme goes. Frontends render it as HTML.
 * - `markdown`: Markdown (lesson content, course description, assignment instructions, article bodies): the
 *   same allowlist applies to HTML written inside the Markdown, link destinations keep http(s), mailto and
 *   relative URLs only, and the Markdown itself is left alone (`a < b`, `> quote`, `**bold**`). A fenced code
 *   block that starts a top-level block (first line, or after a blank line) is kept byte for byte, HTML
 *   samples included, since a Markdown renderer shows code as text; markup in inline code spans and in
 *   indented code blocks is treated as markup (write HTML samples in fences).
 */
export type TextProfile = 'plain' | 'html' | 'markdown';

const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'ul',
  'ol',
  'li',
  'a',
  'blockquote',
  'code',
  'pre',
  'h2',
  'h3',
  'h4',
  'hr',
];
const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];
// Dropped with everything inside them, not just their tags: their content is code or hidden text, not prose.
const NON_TEXT_TAGS = [
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'iframe',
  'object',
  'embed',
  'template',
  'xmp',
  'noembed',
  'noframes',
  'title',
];

const HTML_POLICY: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  // rel is always the one set below, whatever the author wrote.
  allowedAttributes: { a: ['href', 'title', 'rel'] },
  allowedSchemes: ALLOWED_SCHEMES,
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: NON_TEXT_TAGS,
  // Links open elsewhere without handing the page to the target, and pass on no ranking.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
};

// In Markdown a raw <pre> would open an HTML block that runs past blank lines and could swallow a fence
// that this module keeps verbatim; Markdown has fences for that.
const MARKDOWN_HTML_POLICY: sanitizeHtml.IOptions = {
  ...HTML_POLICY,
  allowedTags: ALLOWED_TAGS.filter((tag) => tag !== 'pre'),
};

const STRIP_ALL: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  disallowedTagsMode: 'discard',
  nonTextTags: NON_TEXT_TAGS,
};

// Private-use characters mark protected spans while the sanitiser runs; they are removed from input first.
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARKS = /[\uE000\uE001]/g;

const ENTITY_TEXT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/**
 * The sanitiser's text with its entities turned back into characters, except a `<` that would open a tag
 * (followed by a letter, `/`, `!` or `?`): that one stays `&lt;`.
 */
function unescapeText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity, name: string, offset: number) =>
    name === 'lt' && /^[A-Za-z!/?]/.test(text.slice(offset + entity.length)) ? entity : ENTITY_TEXT[name]
  );
}

/** Unescapes the text between the tags of sanitised HTML, never inside a tag (an href keeps its escaping). */
function unescapeOutsideTags(html: string): string {
  return html
    .split(/(<\/?[a-z][a-z0-9]*(?:\s[^>]*)?>)/)
    .map((part, index) => (index % 2 === 1 ? part : unescapeText(part)))
    .join('');
}

/** Text with every tag removed; ordinary characters kept as typed. */
export function toPlainText(value: string): string {
  return unescapeText(sanitizeHtml(value.replace(MARKS, ''), STRIP_ALL)).trim();
}

/** Safe HTML: basic formatting and http(s)/mailto links. */
export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, HTML_POLICY).trim();
}

/** The same text with every tag removed and whitespace collapsed, for notifications and mail. */
export function plainText(html: string): string {
  return toPlainText(html).replace(/\s+/g, ' ').trim();
}

/**
 * Whether a Markdown link destination is safe to render: relative, or http(s)/mailto. Renderers decode
 * entities and backslash escapes in destinations, so those are resolved (or distrusted) before the scheme is read.
 */
export function isSafeLinkDestination(destination: string): boolean {
  let url = destination.replace(/^<|>$/g, '').replace(/\\/g, '');
  url = url.replace(/&#(x[0-9a-f]+|\d+);?/gi, (_entity, code: string) => {
    const point = code[0].toLowerCase() === 'x' ? parseInt(code.slice(1), 16) : parseInt(code, 10);
    return Number.isFinite(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : '';
  });
  // eslint-disable-next-line no-control-regex
  url = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const head = url.split(/[/?#]/)[0];
  // A named entity before the first slash could spell a colon (`&colon;`): not worth guessing.
  if (head.includes('&')) return false;
  if (!head.includes(':')) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(head)?.[1]?.toLowerCase();
  return scheme !== undefined && ALLOWED_SCHEMES.includes(scheme);
}

/** Markdown links and images `](dest)` and reference definitions `[x]: dest` with an unsafe destination point to `#`. */
function neutraliseMarkdownLinks(markdown: string): string {
  const inline = markdown.replace(/(\]\(\s*)(<[^>\n]*>|[^\s)]+)/g, (match, opening: string, destination: string) =>
    isSafeLinkDestination(destination) ? match : `${opening}#`
  );
  return inline.replace(/^( {0,3}\[[^\]\n]+\]:\s*)(<[^>\n]*>|\S+)/gm, (match, opening: string, destination: string) =>
    isSafeLinkDestination(destination) ? match : `${opening}#`
  );
}

/** Prose of a Markdown text: inline HTML sanitised, the Markdown's own characters kept, links checked. */
function sanitizeMarkdownProse(prose: string): string {
  const autolinks: string[] = [];
  // `<https://…>` and `<mailto:…>` are Markdown autolinks, not tags: kept aside so the HTML pass leaves them.
  const marked = prose.replace(
    /<(?:https?:\/\/|mailto:)[^\s<>"'`]*>/gi,
    (autolink) => `${MARK_OPEN}${autolinks.push(autolink) - 1}${MARK_CLOSE}`
  );
  const sanitised = unescapeOutsideTags(sanitizeHtml(marked, MARKDOWN_HTML_POLICY));
  const restored = sanitised.replace(
    new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, 'g'),
    (_mark, index: string) => autolinks[Number(index)] ?? ''
  );
  return neutraliseMarkdownLinks(restored);
}

interface MarkdownPart {
  code: boolean;
  text: string;
}

/**
 * Splits Markdown into top-level fenced code blocks and the prose around them. A fence counts only at the
 * start of a line with no indentation, at the very start or after a blank line: there no container or HTML
 * block can still be open, so every CommonMark renderer sees the same code block. It ends at a closing fence
 * of the same character at least as long, or at the end of the text.
 */
function splitFencedCode(markdown: string): MarkdownPart[] {
  const lines = markdown.split('\n');
  const parts: MarkdownPart[] = [];
  let prose: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    const previousBlank = index === 0 || lines[index - 1].trim() === '';
    const fence = previousBlank ? /^(`{3,}|~{3,})(.*)$/.exec(line) : null;
    if (!fence || (fence[1][0] === '`' && fence[2].includes('`'))) {
      prose.push(line);
      index += 1;
      continue;
    }
    const closing = new RegExp(`^ {0,3}${fence[1][0] === '`' ? '`' : '~'}{${fence[1].length},}\\s*$`);
    let end = index + 1;
    while (end < lines.length && !closing.test(lines[end])) end += 1;
    if (prose.length) parts.push({ code: false, text: prose.join('\n') });
    prose = [];
    parts.push({ code: true, text: lines.slice(index, Math.min(end + 1, lines.length)).join('\n') });
    index = end + 1;
  }
  if (prose.length) parts.push({ code: false, text: prose.join('\n') });
  return parts;
}

/** Markdown with its inline HTML and links made safe; see the profile notes above. */
export function sanitizeMarkdown(markdown: string): string {
  const parts = splitFencedCode(markdown.replace(MARKS, '').replace(/\r\n?/g, '\n'));
  const out = parts.map((part, index) => {
    if (part.code) return part.text;
    const clean = sanitizeMarkdownProse(part.text);
    // The sanitiser may close an open tag after the prose's last blank line; a fence must still start its own block.
    return index < parts.length - 1 ? `${clean.replace(/\s+$/, '')}\n\n` : clean;
  });
  // A fence's own line break: parts are joined by the newline the split consumed after a code block.
  return out
    .map((text, index) => (parts[index].code && index < out.length - 1 ? `${text}\n` : text))
    .join('')
    .trim();
}

/** Applies a profile to a value; anything that is not a string is left for validation to judge. */
export function cleanText<T>(value: T, profile: TextProfile): T {
  if (typeof value !== 'string') return value;
  switch (profile) {
    case 'plain':
      return toPlainText(value) as T;
    case 'html':
      return sanitizeRichText(value) as T;
    case 'markdown':
      return sanitizeMarkdown(value) as T;
  }
}
