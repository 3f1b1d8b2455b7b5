import { rankBySharedTags } from '../../src/blog/article-reads';
import { readingMinutes } from '../../src/blog/reading-minutes';
import { courseTeacherFilter } from '../../src/bootstrap/admin-roles';

const words = (count: number, word = 'word') => Array.from({ length: count }, () => word).join(' ');

test.each([
  ['no body', 1, undefined],
  ['an empty body', 1, ''],
  ['99 words', 1, words(99)],
  ['299 words', 1, words(299)],
  ['300 words', 2, words(300)],
  ['450 words', 2, words(450)],
  ['1000 Russian words', 5, words(1000, 'слово')],
  [
    '398 words, a heading and a link whose URL is not read',
    2,
    `# Title\n\n${words(398)} [link](https://example.com/a/very/long/path/with/many/words)`,
  ],
  ['600 words in bold with punctuation', 3, `**${words(600)}**, — ... !!!`],
])('%s: %i minute(s)', (_label, minutes, body) => {
  expect(readingMinutes(body)).toBe(minutes);
});

test('related articles rank by shared tags, then by newer publication, and share at least one tag', () => {
  const candidate = (id: string, tags: string[], publishedAt: string) => ({
    documentId: id,
    tags: tags.map((tag) => ({ documentId: tag })),
    publishedAt,
  });
  const ranked = rankBySharedTags(
    ['a', 'b', 'c'],
    [
      candidate('one-old', ['a'], '2026-01-01T00:00:00.000Z'),
      candidate('none', ['z'], '2026-06-01T00:00:00.000Z'),
      candidate('two', ['a', 'b', 'z'], '2026-01-01T00:00:00.000Z'),
      candidate('one-new', ['c'], '2026-05-01T00:00:00.000Z'),
    ]
  );
  expect(ranked.map((article) => [article.documentId, article.sharedTags])).toEqual([
    ['two', 2],
    ['one-new', 1],
    ['one-old', 1],
  ]);
});

test.each([
  ['api::course.course', { 'teachers.email': 't@example.test' }],
  ['api::lesson.lesson', { 'course.teachers.email': 't@example.test' }],
  ['api::assignment.assignment', { 'course.teachers.email': 't@example.test' }],
  ['api::announcement.announcement', { 'course.teachers.email': 't@example.test' }],
  [
    'api::quiz.quiz',
    { $or: [{ 'course.teachers.email': 't@example.test' }, { 'lesson.course.teachers.email': 't@example.test' }] },
  ],
  ['api::article.article', false],
  [undefined, false],
])('the course-teacher condition on %p', (subject, filter) => {
  expect(courseTeacherFilter(subject, 't@example.test')).toEqual(filter);
});
