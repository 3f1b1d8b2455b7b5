import {
  cleanText,
  isSafeLinkDestination,
  plainText,
  sanitizeMarkdown,
  sanitizeRichText,
  toPlainText,
} from '../../src/content/rich-text';
import { TEXT_POLICY } from '../../src/content/text-policy';
import { forbiddenIn, HOSTILE_MIX, HOSTILE_TEXT, ORDINARY } from '../helpers/hostile-text';

const PROFILES = ['plain', 'html', 'markdown'] as const;

describe('every profile removes the hostile payloads and keeps ordinary text', () => {
  test.each(
    PROFILES.flatMap((profile) => [...HOSTILE_TEXT, HOSTILE_MIX].map((payload) => [profile, payload] as const))
  )('%s: %s', (profile, payload) => {
    const once = cleanText(payload, profile);
    expect(forbiddenIn(once)).toBeNull();
    // Cleaning twice changes nothing: a value cleaned by the document middleware and the database lifecycle is the same.
    expect(cleanText(once, profile)).toBe(once);
  });

  test.each(['plain', 'markdown'] as const)('%s keeps ordinary text as typed', (profile) => {
    for (const text of ORDINARY) expect(cleanText(text, profile)).toBe(text);
  });

  test('html escapes ordinary text as HTML, which a browser shows as typed', () => {
    expect(sanitizeRichText('Tom & Jerry, 2 < 3')).toBe('Tom &amp; Jerry, 2 &lt; 3');
    expect(sanitizeRichText('Привет')).toBe('Привет');
  });

  test('non-strings are left for validation to judge', () => {
    expect(cleanText(42 as unknown as string, 'plain')).toBe(42);
    expect(cleanText(null as unknown as string, 'markdown')).toBeNull();
  });
});

describe('plain', () => {
  test.each([
    ['<b>Ada</b> Lovelace', 'Ada Lovelace'],
    ['<script>alert(1)</script>Ada', 'Ada'],
    ['Ada<img src=x onerror=alert(1)>', 'Ada'],
    ['"><iframe src=x></iframe>', '">'],
    ['&lt;script&gt;', '&lt;script>'],
    ['a &amp; b', 'a & b'],
    ['  spaced  ', 'spaced'],
    ['line one\nline two', 'line one\nline two'],
  ])('%j → %j', (input, expected) => expect(toPlainText(input)).toBe(expected));

  test('nothing left can open a tag', () => {
    for (const payload of [
      ...HOSTILE_TEXT,
      '&lt;img src=x onerror=alert(1)&gt;',
      '<<script>script>alert(1)<</script>/script>',
    ]) {
      expect(toPlainText(payload)).not.toMatch(/<[A-Za-z!/?]/);
    }
  });

  test('notification text collapses whitespace', () =>
    expect(plainText('<p>Exam <b>Friday</b></p>\n<p>Room 5</p>')).toBe('Exam Friday Room 5'));
});

describe('markdown', () => {
  test.each([
    ['**bold** and _em_', '**bold** and _em_'],
    ['a < b and c > d', 'a < b and c > d'],
    ['> a quote\n> more', '> a quote\n> more'],
    ['# Title\n\n- one\n- two', '# Title\n\n- one\n- two'],
    [
      '[site](https://example.org) and [rel](/lessons/1) and [mail](mailto:a@b.org)',
      '[site](https://example.org) and [rel](/lessons/1) and [mail](mailto:a@b.org)',
    ],
    ['<https://example.org/x?a=1&b=2>', '<https://example.org/x?a=1&b=2>'],
    ['Hi <b>there</b><script>alert(1)</script>', 'Hi <b>there</b>'],
    ['[x](javascript:alert(1))', '[x](#))'],
    ['[x]( JaVaScRiPt:alert(1))', '[x]( #))'],
    ['[x](java&#115;cript:alert(1))', '[x](#))'],
    ['[x](javascript&colon;alert(1))', '[x](#))'],
    ['[x](<javascript:alert(1)>)', '[x]()'],
    ['![img](data:text/html,x)', '![img](#)'],
    ['[ref]: javascript:alert(1)\n\n[y][ref]', '[ref]: #\n\n[y][ref]'],
    ['<javascript:alert(1)>', ''],
    ['`inline <b>code</b>`', '`inline <b>code</b>`'],
    ['Tom &amp; Jerry', 'Tom & Jerry'],
  ])('%j → %j', (input, expected) => expect(sanitizeMarkdown(input)).toBe(expected));

  test('a top-level fenced code block is kept byte for byte, HTML samples included', () => {
    const text =
      'Intro <script>x</script>\n\n```html\n<div onclick="go()">Hi</div>\n<script>alert(1)</script>\n```\n\nAfter <img src=x onerror=alert(1)>';
    expect(sanitizeMarkdown(text)).toBe(
      'Intro\n\n```html\n<div onclick="go()">Hi</div>\n<script>alert(1)</script>\n```\n\nAfter'
    );
  });

  test('a fence that does not start a top-level block is prose, and sanitised', () => {
    expect(sanitizeMarkdown('<p>\n```\n<img src=x onerror=alert(1)>\n```\n</p>')).not.toMatch(/onerror|<img/);
    expect(sanitizeMarkdown('- item\n\n  ```\n  <img src=x onerror=alert(1)>\n  ```')).not.toMatch(/onerror|<img/);
    expect(sanitizeMarkdown('<pre>\n\n```\n<img src=x onerror=alert(1)>\n```\n</pre>')).not.toMatch(/<pre/);
  });

  test('an unclosed tag before a fence is closed before the fence, which still starts its own block', () => {
    const out = sanitizeMarkdown('<b>bold\n\n```\n<i>kept</i>\n```');
    expect(out).toBe('<b>bold\n</b>\n\n```\n<i>kept</i>\n```');
  });

  test('link destinations', () => {
    for (const safe of ['https://x.org', 'http://x.org/a:b', '/path', 'page', '#top', 'mailto:a@b.org', '?q=1'])
      expect(isSafeLinkDestination(safe)).toBe(true);
    for (const unsafe of [
      'javascript:x',
      ' javascript:x',
      'JAVASCRIPT:x',
      'java\\script:x',
      'jav&#x61;script:x',
      'javascript&colon;x',
      'vbscript:x',
      'data:text/html,x',
      'java\tscript:x',
    ]) {
      expect(isSafeLinkDestination(unsafe)).toBe(false);
    }
  });
});

describe('the policy table', () => {
  test('names the contract’s plain and rich fields with the contract’s profiles', () => {
    expect(TEXT_POLICY['plugin::users-permissions.user']).toEqual({ fullName: 'plain', bio: 'plain' });
    expect(TEXT_POLICY['api::review.review'].body).toBe('plain');
    expect(TEXT_POLICY['api::announcement.announcement']).toEqual({ title: 'plain', body: 'html' });
    expect(TEXT_POLICY['api::lesson.lesson'].content).toBe('markdown');
    expect(TEXT_POLICY['api::comment.comment'].body).toBe('html');
    expect(TEXT_POLICY['api::message.message'].body).toBe('html');
  });
});
