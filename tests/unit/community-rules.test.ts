import { plainText, sanitizeRichText } from '../../src/content/rich-text';
import { parseAnnouncementInput } from '../../src/plugins/community/server/src/rules/announcement-input';
import { parseFeedbackInput } from '../../src/plugins/community/server/src/rules/feedback-input';
import { paginationMeta, readPage, readSort } from '../../src/access/listing';
import { isValidRating, mayReview, parseReviewInput } from '../../src/plugins/community/server/src/rules/review-input';

/** The fields a thrown ValidationError names. */
function refusedFields(action: () => unknown): string[] {
  try {
    action();
  } catch (error: any) {
    expect(error.name).toBe('ValidationError');
    return error.details.errors.map((entry: { path: string[] }) => entry.path[0]);
  }
  throw new Error('expected a ValidationError');
}

describe('ratings', () => {
  test.each([1, 2, 3, 4, 5])('%p stars is a rating', (value) => expect(isValidRating(value)).toBe(true));
  test.each([0, 6, -1, 4.5, '5', null, undefined, NaN, Infinity, true])('%p is not', (value) =>
    expect(isValidRating(value)).toBe(false)
  );
});

describe('who may review', () => {
  test.each([
    ['active', true],
    ['completed', true],
    ['expired', true],
    ['cancelled', false],
    [null, false],
  ] as const)('a student whose enrollment is %p: %p', (status, expected) => expect(mayReview(status)).toBe(expected));
});

describe('review input', () => {
  test('a new review needs both rating and body; the body is trimmed', () => {
    expect(parseReviewInput({ rating: 3, body: '  ok  ' }, { partial: false })).toEqual({ rating: 3, body: 'ok' });
    expect(refusedFields(() => parseReviewInput({}, { partial: false })).sort()).toEqual(['body', 'rating']);
    expect(refusedFields(() => parseReviewInput(undefined, { partial: false })).sort()).toEqual(['body', 'rating']);
  });
  test('an edit needs at least one of them', () => {
    expect(parseReviewInput({ body: 'new' }, { partial: true })).toEqual({ body: 'new' });
    expect(parseReviewInput({ rating: 1 }, { partial: true })).toEqual({ rating: 1 });
    expect(refusedFields(() => parseReviewInput({}, { partial: true }))).toEqual(['rating']);
  });
  test('unknown fields, wrong types and lengths are each named', () => {
    expect(
      refusedFields(() => parseReviewInput({ rating: 9, body: '', course: 'x' }, { partial: false })).sort()
    ).toEqual(['body', 'course', 'rating']);
    expect(refusedFields(() => parseReviewInput({ rating: 5, body: 'x'.repeat(5001) }, { partial: false }))).toEqual([
      'body',
    ]);
    expect(refusedFields(() => parseReviewInput([1], { partial: false }))).toEqual([undefined]);
    expect(refusedFields(() => parseReviewInput('5 stars', { partial: false }))).toEqual([undefined]);
  });
});

describe('paging and sorting', () => {
  test('defaults, both query forms, bounds', () => {
    expect(readPage({})).toEqual({ page: 1, pageSize: 25 });
    expect(readPage({ page: '3', pageSize: '10' })).toEqual({ page: 3, pageSize: 10 });
    expect(readPage({ pagination: { page: '2', pageSize: '5' } })).toEqual({ page: 2, pageSize: 5 });
    expect(refusedFields(() => readPage({ page: '0' }))).toEqual(['page']);
    expect(refusedFields(() => readPage({ pageSize: '101' }))).toEqual(['pageSize']);
    expect(refusedFields(() => readPage({ page: ['1', '2'] }))).toEqual(['page']);
    expect(paginationMeta({ page: 2, pageSize: 10 }, 21)).toEqual({ page: 2, pageSize: 10, pageCount: 3, total: 21 });
    expect(paginationMeta({ page: 1, pageSize: 10 }, 0)).toEqual({ page: 1, pageSize: 10, pageCount: 0, total: 0 });
  });
  test('sort is one of the named orders, the first by default', () => {
    expect(readSort({}, ['newest', 'rating'] as const)).toBe('newest');
    expect(readSort({ sort: 'rating' }, ['newest', 'rating'] as const)).toBe('rating');
    expect(refusedFields(() => readSort({ sort: 'rating:desc' }, ['newest', 'rating'] as const))).toEqual(['sort']);
  });
});

describe('rich text', () => {
  test.each([
    ['<script>alert(1)</script><p>hi</p>', '<p>hi</p>'],
    ['<p onclick="x()" style="color:red">hi</p>', '<p>hi</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="//evil.example/x">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    [
      '<a href="https://ok.example/" target="_blank">x</a>',
      '<a href="https://ok.example/" rel="noopener noreferrer nofollow">x</a>',
    ],
    ['<img src=x onerror=alert(1)>text', 'text'],
    ['<svg><script>alert(1)</script></svg>', ''],
    ['<h2>Title</h2><ul><li><strong>a</strong></li></ul>', '<h2>Title</h2><ul><li><strong>a</strong></li></ul>'],
  ])('%s becomes %s', (input, expected) => expect(sanitizeRichText(input)).toBe(expected));

  test('plain text for notifications keeps words only', () =>
    expect(plainText('<p>Exam <b>Friday</b></p>\n<p>Room 5</p>')).toBe('Exam Friday Room 5'));

  test('announcement input: sanitised body must keep content', () => {
    expect(parseAnnouncementInput({ title: ' News ', body: '<p>Hi<script>x</script></p>' })).toEqual({
      title: 'News',
      body: '<p>Hi</p>',
    });
    expect(refusedFields(() => parseAnnouncementInput({ title: 'News', body: '<script>x</script>' }))).toEqual([
      'body',
    ]);
    expect(
      refusedFields(() => parseAnnouncementInput({ title: 'x'.repeat(201), body: 'ok', extra: 1 })).sort()
    ).toEqual(['extra', 'title']);
  });
});

describe('feedback input', () => {
  test('valid input is trimmed and the email lower-cased', () => {
    expect(parseFeedbackInput({ name: ' Ada ', email: 'Ada@Example.org', message: ' Hi ' })).toEqual({
      name: 'Ada',
      email: 'ada@example.org',
      message: 'Hi',
    });
  });
  test.each([
    [{ name: 'A', email: 'a@b', message: 'm' }, ['email']],
    [{ name: 'A\nB', email: 'a@b.org', message: 'm' }, ['name']],
    [{ name: '', email: '', message: '' }, ['email', 'message', 'name']],
    [{ name: 'A', email: 'a@b.org', message: 'm', phone: '1' }, ['phone']],
  ])('%j is refused naming %j', (body, fields) =>
    expect(refusedFields(() => parseFeedbackInput(body)).sort()).toEqual(fields)
  );
});
