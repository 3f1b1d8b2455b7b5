import { audienceParam } from '../../src/plugins/messaging/server/src/controllers/notifications';
import {
  buildCommentTree,
  countNodes,
  type CommentRow,
} from '../../src/plugins/messaging/server/src/rules/comment-tree';
import { mayMessage, type MessagingFacts } from '../../src/plugins/messaging/server/src/rules/messaging-rules';
import { cleanBody } from '../../src/plugins/messaging/server/src/rules/sanitize-body';

const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as any).details?.errors?.[0]?.path?.join('.');
  }
  throw new Error('did not throw');
};

describe('cleanBody', () => {
  test.each([
    ['<script>alert(1)</script>hi', 'hi'],
    ['<b onclick="x()">bold</b>', '<b>bold</b>'],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['<a href=" javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['<a href="//evil.example">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    [
      '<a href="https://example.org" onmouseover="x">x</a>',
      '<a href="https://example.org" rel="noopener noreferrer nofollow">x</a>',
    ],
    ['<img src=x onerror=alert(1)>text', 'text'],
    ['<svg><script>alert(1)</script></svg>ok', 'ok'],
    ['<style>body{display:none}</style>ok', 'ok'],
    ['<p style="color:red">red</p>', '<p>red</p>'],
    ['  plain words  ', 'plain words'],
    ['2 < 3 & 4 > 1', '2 &lt; 3 &amp; 4 &gt; 1'],
  ])('%s → %s', (input, expected) => {
    expect(cleanBody(input)).toBe(expected);
  });

  test.each([
    ['empty', ''],
    ['blank', '   '],
    ['only a script', '<script>x</script>'],
    ['an empty paragraph', '<p> </p>'],
    ['a lone &nbsp;', '&nbsp;'],
    ['a number', 42],
    ['null', null],
    ['5001 characters', 'x'.repeat(5001)],
  ])('refuses %s naming the field', (_name, input) => {
    expect(fieldOf(() => cleanBody(input))).toBe('body');
  });

  test('plain mode removes every tag; the limit and field name are configurable', () => {
    expect(cleanBody('<b>Title</b>', { plain: true })).toBe('Title');
    expect(fieldOf(() => cleanBody('x'.repeat(11), { field: 'title', limit: 10 }))).toBe('title');
  });
});

describe('mayMessage', () => {
  const facts = (overrides: Partial<MessagingFacts>): MessagingFacts => ({
    senderRole: 'student',
    senderTeaches: [],
    senderEnrolledIn: [],
    recipientTeaches: [],
    recipientEnrolledIn: [],
    recipientHasWrittenToSender: false,
    ...overrides,
  });
  test.each<[string, Partial<MessagingFacts>, boolean]>([
    ['student to a teacher of their course', { senderEnrolledIn: ['c1'], recipientTeaches: ['c1'] }, true],
    [
      'teacher to a student of their course',
      { senderRole: 'teacher', senderTeaches: ['c1'], recipientEnrolledIn: ['c1'] },
      true,
    ],
    ['student to a teacher of another course', { senderEnrolledIn: ['c1'], recipientTeaches: ['c2'] }, false],
    ['classmates', { senderEnrolledIn: ['c1'], recipientEnrolledIn: ['c1'] }, false],
    ['co-teachers', { senderRole: 'teacher', senderTeaches: ['c1'], recipientTeaches: ['c1'] }, false],
    ['admin to anyone', { senderRole: 'admin' }, true],
    ['answering someone who wrote first', { recipientHasWrittenToSender: true }, true],
    ['joined by another plugin (an accepted marketplace offer)', { isJoinedElsewhere: true }, true],
    ['strangers', {}, false],
  ])('%s', (_name, overrides, expected) => {
    expect(mayMessage(facts(overrides))).toBe(expected);
  });
});

describe('buildCommentTree', () => {
  const row = (documentId: string, minute: number, parent?: string, extra: Partial<CommentRow> = {}): CommentRow => ({
    id: minute,
    documentId,
    body: `body ${documentId}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    author: { id: 1, username: 'u' },
    parent: parent ? { documentId: parent } : null,
    ...extra,
  });

  test('nests replies under parents, each level oldest first, whatever the input order', () => {
    const tree = buildCommentTree([row('c', 3, 'a'), row('b', 2), row('a', 1), row('d', 4, 'c'), row('e', 0, 'a')], {
      canSeeHidden: false,
    });
    expect(tree.map((node) => node.documentId)).toEqual(['a', 'b']);
    expect(tree[0].replies.map((node) => node.documentId)).toEqual(['e', 'c']);
    expect(tree[0].replies[1].replies[0]).toMatchObject({ documentId: 'd', parent: 'c' });
    expect(countNodes(tree)).toBe(5);
  });

  test('hidden bodies show only to moderators; deleted leaves vanish, deleted parents stay as placeholders', () => {
    const rows = [
      row('a', 1, undefined, { isHidden: true }),
      row('b', 2, undefined, { deletedAt: new Date() }),
      row('c', 3, undefined, { deletedAt: new Date() }),
      row('d', 4, 'c'),
    ];
    const forStudent = buildCommentTree(rows, { canSeeHidden: false });
    expect(forStudent.map((node) => [node.documentId, node.body])).toEqual([
      ['a', null],
      ['c', null],
    ]);
    expect(forStudent[1]).toMatchObject({
      isDeleted: true,
      author: null,
      replies: [expect.objectContaining({ documentId: 'd' })],
    });
    expect(buildCommentTree(rows, { canSeeHidden: true })[0].body).toBe('body a');
  });

  test('an orphan reply shows at the top, and a cycle cannot loop forever', () => {
    expect(buildCommentTree([row('x', 1, 'missing')], { canSeeHidden: false })[0]).toMatchObject({
      documentId: 'x',
      parent: null,
    });
    expect(buildCommentTree([row('p', 1, 'q'), row('q', 2, 'p')], { canSeeHidden: false })).toEqual([]);
  });
});

describe('audienceParam', () => {
  test('accepts exactly one of all, role, course', () => {
    expect(audienceParam({ all: true })).toEqual({ all: true });
    expect(audienceParam({ role: 'teacher' })).toEqual({ role: 'teacher' });
    expect(audienceParam({ course: 'abc123' })).toEqual({ course: 'abc123' });
  });
  test.each<[unknown, string]>([
    [undefined, 'audience'],
    [[], 'audience'],
    [{}, 'audience'],
    [{ all: true, role: 'admin' }, 'audience'],
    [{ all: 'yes' }, 'audience.all'],
    [{ role: 'public' }, 'audience.role'],
    [{ course: '' }, 'audience.course'],
    [{ group: 1 }, 'audience.group'],
  ])('refuses %p naming %s', (input, field) => {
    expect(fieldOf(() => audienceParam(input))).toBe(field);
  });
});
