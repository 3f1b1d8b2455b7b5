import { auditFilterFrom } from '../../src/audit/filters';

const fieldsOf = (query: Record<string, unknown>): string[] => {
  try {
    auditFilterFrom(query);
    return [];
  } catch (error) {
    return ((error as { details?: { errors?: Array<{ path: string[] }> } }).details?.errors ?? []).map((problem) =>
      problem.path.join('.')
    );
  }
};

describe('audit-event filters', () => {
  test.each([
    [{}, {}],
    [{ actor: '12' }, { actor: 12 }],
    [{ entity: 'submission' }, { entity: 'submission' }],
    [{ entity: 'submission:abc123XYZ' }, { entity: 'submission:abc123XYZ' }],
    [{ entity: 'order:ORD-2026.1' }, { entity: 'order:ORD-2026.1' }],
    [{ from: '2026-01-01' }, { from: new Date('2026-01-01T00:00:00Z') }],
    [
      { from: '2026-01-01T10:00:00Z', to: '2026-01-01T10:00:00Z' },
      { from: new Date('2026-01-01T10:00:00Z'), to: new Date('2026-01-01T10:00:00Z') },
    ],
    [{ to: '2026-01-01T10:00:00+03:00' }, { to: new Date('2026-01-01T07:00:00Z') }],
    [{ pagination: { page: '2' } }, {}],
  ])('accepts %j', (query, filter) => {
    expect(auditFilterFrom(query)).toEqual(filter);
  });

  test.each([
    [{ actor: 'abc' }, ['actor']],
    [{ actor: '0' }, ['actor']],
    [{ actor: '-1' }, ['actor']],
    [{ actor: '3000000000' }, ['actor']],
    [{ actor: ['1', '2'] }, ['actor']],
    [{ entity: '' }, ['entity']],
    [{ entity: 'Submission' }, ['entity']],
    [{ entity: 'submission:' }, ['entity']],
    [{ entity: 'submission:a b' }, ['entity']],
    [{ entity: 'sub%' }, ['entity']],
    [{ from: 'yesterday' }, ['from']],
    [{ from: '1' }, ['from']],
    [{ to: '2026-13-45' }, ['to']],
    [{ from: '2026-02-01', to: '2026-01-01' }, ['to']],
    [{ sort: 'id' }, ['sort']],
    [{ actor: 'x', from: 'y', filters: {} }, ['filters', 'actor', 'from']],
  ])('refuses %j naming %j', (query, fields) => {
    expect(fieldsOf(query)).toEqual(fields);
  });
});
