import { takePopulatedRelation } from '../../src/access/populate';
import { relationDocumentIds } from '../../src/access/relation-input';
import { callerFrom } from '../../src/access/roles';
import { PERMISSION_MATRIX } from '../../src/access/permission-matrix';

describe('callerFrom', () => {
  test.each([
    [{}, { userId: null, role: 'public' }],
    [{ user: { id: 3, role: { type: 'teacher' } } }, { userId: 3, role: 'teacher' }],
    [{ user: { id: 4, role: { type: 'authenticated' } } }, { userId: 4, role: 'student' }],
    [{ user: { id: 5, role: { type: 'public' } } }, { userId: 5, role: 'student' }],
    [{ user: { id: 6, role: null } }, { userId: 6, role: 'student' }],
    [{ auth: { strategy: { name: 'api-token' } } }, { userId: null, role: 'admin' }],
  ])('%j is %j', (state, caller) => {
    expect(callerFrom(state as any)).toEqual(caller);
  });
});

describe('takePopulatedRelation', () => {
  test.each([
    ['teachers', true, undefined],
    ['teachers,category', true, 'category'],
    ['category', false, 'category'],
    [['teachers', 'cover'], true, ['cover']],
    [{ teachers: true, cover: true }, true, { cover: true }],
    ['*', true, '*'],
    [undefined, false, undefined],
  ])('populate %j: asked %s, left %j', (populate, asked, left) => {
    const query: Record<string, unknown> = populate === undefined ? {} : { populate };
    expect(takePopulatedRelation(query, 'teachers')).toBe(asked);
    expect(query.populate).toEqual(left);
  });
});

describe('relationDocumentIds', () => {
  test.each([
    [undefined, undefined],
    [null, []],
    ['abc', ['abc']],
    [{ documentId: 'abc' }, ['abc']],
    [
      ['a', { documentId: 'b' }],
      ['a', 'b'],
    ],
    [{ connect: ['a'] }, ['a']],
    [{ set: [{ documentId: 'a' }] }, ['a']],
    [{ disconnect: ['a'] }, []],
  ])('%j names %j', (value, ids) => {
    expect(relationDocumentIds(value, 'course')).toEqual(ids);
  });

  test.each([42, true, { documentId: 7 }, [{}], { connect: [1] }, '', 'x'.repeat(65)])(
    '%j is a 400 naming the field',
    (value) => {
      expect(() => relationDocumentIds(value, 'course')).toThrow(
        expect.objectContaining({
          name: 'ValidationError',
          details: { errors: [expect.objectContaining({ path: ['course'] })] },
        })
      );
    }
  );
});

describe('permission matrix', () => {
  test('each role has everything the one below it has', () => {
    const includes = (wider: string[], narrower: string[]) => narrower.every((action) => wider.includes(action));
    expect(includes(PERMISSION_MATRIX.student, PERMISSION_MATRIX.public)).toBe(true);
    expect(includes(PERMISSION_MATRIX.teacher, PERMISSION_MATRIX.student)).toBe(true);
    expect(includes(PERMISSION_MATRIX.admin, PERMISSION_MATRIX.teacher)).toBe(true);
  });
  test('only admins manage users and site content; the public writes nothing', () => {
    for (const role of ['public', 'student', 'teacher'] as const) {
      expect(
        PERMISSION_MATRIX[role].filter((action) =>
          /users-permissions\.user\.(find|findOne|create|update|destroy|count)$/.test(action)
        )
      ).toEqual([]);
      expect(
        PERMISSION_MATRIX[role].filter((action) =>
          /api::(category|tag|article|article-category)\.\w[\w-]*\.(create|update|delete)$/.test(action)
        )
      ).toEqual([]);
    }
    expect(PERMISSION_MATRIX.public.filter((action) => /\.(create|update|delete)$/.test(action))).toEqual([]);
  });
});
