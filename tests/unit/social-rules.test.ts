import { buildPostCommentTree, type PostCommentRow } from '../../src/plugins/social/server/src/rules/comment-tree';
import { decodeCursor, encodeCursor, limitParam } from '../../src/plugins/social/server/src/rules/cursor';
import { assertPostShape, parsePostInput } from '../../src/plugins/social/server/src/rules/post-input';
import { parseQuestions } from '../../src/plugins/social/server/src/rules/quiz-questions';
import { maySeePost, popularScore } from '../../src/plugins/social/server/src/rules/visibility';

describe('maySeePost', () => {
  const post = { authorId: 1, isDraft: false, visibility: 'public' as const, isHidden: false };
  const viewer = { userId: 2, isAdmin: false, followsAuthor: false };
  test.each([
    ['a public post: anyone', post, viewer, true],
    ['a public post: the public', post, { ...viewer, userId: null }, true],
    ['a draft: not another user', { ...post, isDraft: true }, viewer, false],
    ['a draft: its author', { ...post, isDraft: true }, { ...viewer, userId: 1 }, true],
    ['followers only: not a stranger', { ...post, visibility: 'followers' as const }, viewer, false],
    [
      'followers only: a follower',
      { ...post, visibility: 'followers' as const },
      { ...viewer, followsAuthor: true },
      true,
    ],
    ['followers only: the author', { ...post, visibility: 'followers' as const }, { ...viewer, userId: 1 }, true],
    ['hidden: not even its author', { ...post, isHidden: true }, { ...viewer, userId: 1 }, false],
    ['hidden: an admin', { ...post, isHidden: true }, { ...viewer, isAdmin: true }, true],
  ])('%s', (_name, facts, who, expected) => {
    expect(maySeePost(facts, who)).toBe(expected);
  });
});

describe('popularScore', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  test('more engagement ranks higher at the same age, and comments weigh twice a like', () => {
    expect(popularScore(3, 0, now)).toBeGreaterThan(popularScore(1, 0, now));
    expect(popularScore(0, 1, now)).toBeCloseTo(popularScore(2, 0, now));
  });
  test('decays with age: e times the engagement is worth 12 hours', () => {
    const older = new Date(now.getTime() - 12 * 3_600_000);
    expect(popularScore(Math.E - 1, 0, older)).toBeCloseTo(popularScore(0, 0, now));
    expect(popularScore(5, 0, new Date(now.getTime() - 48 * 3_600_000))).toBeLessThan(popularScore(0, 0, now));
  });
});

describe('cursors', () => {
  test('round-trip and refuse garbage', () => {
    expect(decodeCursor(encodeCursor({ value: 1733000000123, id: 42 }))).toEqual({ value: 1733000000123, id: 42 });
    expect(decodeCursor(encodeCursor({ value: 12345.678901234567, id: 1 }))!.value).toBe(12345.678901234567);
    expect(decodeCursor(undefined)).toBeNull();
    for (const bad of [
      'nope!',
      Buffer.from('[1,-2]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
      7,
    ])
      expect(() => decodeCursor(bad)).toThrow();
  });
  test('limit within 1..50', () => {
    expect(limitParam(undefined)).toBe(20);
    expect(limitParam('50')).toBe(50);
    for (const bad of ['0', '51', 'x', '1.5']) expect(() => limitParam(bad)).toThrow();
  });
});

describe('post input', () => {
  test('a body over 50,000 characters, an unknown kind and a bad tag list are refused with their fields', () => {
    const problems = (body: Record<string, unknown>) => {
      try {
        parsePostInput(body, 'create');
        return [];
      } catch (error: any) {
        return error.details.errors.map((problem: any) => problem.path.join('.'));
      }
    };
    expect(problems({ kind: 'note', title: 'T', body: 'x'.repeat(50_000) })).toEqual([]);
    expect(problems({ kind: 'note', title: 'T', body: 'x'.repeat(50_001) })).toEqual(['body']);
    expect(problems({ kind: 'poem', title: '', tags: 'a' })).toEqual(['kind', 'title', 'tags']);
    expect(problems({ kind: 'note', title: 'T', visibility: 'all', status: 'later' })).toEqual([
      'visibility',
      'status',
    ]);
  });
  test('kind rules apply to what would be published, drafts may be unfinished', () => {
    const shape = {
      kind: 'video' as const,
      body: null,
      hasVideo: false,
      questions: null,
      status: 'published' as const,
    };
    expect(() => assertPostShape(shape, {})).toThrow('video');
    expect(() => assertPostShape({ ...shape, status: 'draft' }, {})).not.toThrow();
    expect(() => assertPostShape({ ...shape, kind: 'quiz' }, {})).toThrow('question');
    expect(() => assertPostShape({ ...shape, kind: 'note', body: 'x' }, { video: 3 })).toThrow('video');
  });
  test('quiz questions in the grading shape, numbered, with their answer keys checked', () => {
    const { questions, problems } = parseQuestions([
      { type: 'single', prompt: 'Q1', options: [{ text: 'a', correct: true }, { text: 'b' }] },
      { type: 'multiple', prompt: 'Q2', options: [{ text: 'a' }, { text: 'b' }] },
      { type: 'short_text', prompt: 'Q3', acceptedAnswers: [] },
      { type: 'numeric', prompt: 'Q4', numericAnswer: 2, tolerance: 0.1 },
    ]);
    expect(questions.map((question) => question.id)).toEqual([1, 2, 3, 4]);
    expect(questions[0].options.map((option) => option.id)).toEqual([1, 2]);
    expect(problems.map((problem) => problem.path.join('.'))).toEqual([
      'questions.1.options',
      'questions.2.acceptedAnswers',
    ]);
  });
});

describe('buildPostCommentTree', () => {
  const row = (
    id: number,
    parentId: number | null,
    minute: number,
    extra: Partial<PostCommentRow> = {}
  ): PostCommentRow => ({
    id,
    documentId: `c${id}`,
    body: `body ${id}`,
    authorId: 1,
    parentId,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    likesCount: id,
    isGone: false,
    ...extra,
  });
  const people = new Map([[1, { id: 1 }]]);
  test('nests to any depth, each level oldest first, with likedByMe', () => {
    const tree = buildPostCommentTree(
      [row(4, 1, 5), row(1, null, 1), row(2, 1, 2), row(3, 2, 3), row(5, 3, 4), row(6, null, 0)],
      people,
      new Set([3])
    );
    expect(tree.map((node) => node.documentId)).toEqual(['c6', 'c1']);
    expect(tree[1].replies.map((node) => node.documentId)).toEqual(['c2', 'c4']);
    expect(tree[1].replies[0].replies[0]).toMatchObject({ documentId: 'c3', likedByMe: true, parent: 'c2' });
    expect(tree[1].replies[0].replies[0].replies[0].documentId).toBe('c5');
  });
  test('a gone comment stays as a placeholder while replies hang under it, and leaves when none do', () => {
    const tree = buildPostCommentTree(
      [row(1, null, 1, { isGone: true }), row(2, 1, 2), row(3, null, 3, { isGone: true })],
      people,
      new Set([1])
    );
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({ body: null, author: null, isDeleted: true, likedByMe: false, likesCount: 0 });
    expect(tree[0].replies[0].body).toBe('body 2');
  });
  test('a hidden comment shown to staff or its author keeps its body, marked isHidden; others are not', () => {
    const tree = buildPostCommentTree([row(1, null, 1, { isHidden: true }), row(2, null, 2)], people, new Set());
    expect(tree.map((node) => [node.documentId, node.body, node.isHidden, node.isDeleted])).toEqual([
      ['c1', 'body 1', true, false],
      ['c2', 'body 2', false, false],
    ]);
  });
});
