import { catalogQueryFrom } from '../../src/api/course/reads/catalog-query';

/** Which REST queries the fast catalog read takes (everything else keeps the document service). */
const published = (query: Record<string, unknown>) => ({ ...query, status: 'published' });
/** config/api.ts's REST limits, as the controller passes them. */
const LIMITS = { defaultPageSize: 25, maxPageSize: 100 };

describe('catalogQueryFrom recognises the catalog shapes', () => {
  test('the bench catalog query: a level, a title sort, category and cover, a page of 20', () => {
    expect(
      catalogQueryFrom(
        published({
          filters: { level: { $eq: 'beginner' } },
          sort: ['title:asc'],
          populate: ['category', 'cover'],
          pagination: { pageSize: '20' },
        }),
        LIMITS
      )
    ).toEqual({
      locale: null,
      conditions: [{ kind: 'field', attribute: 'level', operator: '=', value: 'beginner' }],
      sort: [{ attribute: 'title', direction: 'asc' }],
      populate: ['category', 'cover'],
      page: 1,
      pageSize: 20,
    });
  });

  test.each([
    [{}, { page: 1, pageSize: 25, sort: [], conditions: [], populate: [] }],
    [{ filters: { slug: 'abc' } }, { conditions: [{ kind: 'field', attribute: 'slug', operator: '=', value: 'abc' }] }],
    [
      { filters: { price: { $gte: '10', $lt: '20.5' } } },
      {
        conditions: [
          { kind: 'field', attribute: 'price', operator: '>=', value: 10 },
          { kind: 'field', attribute: 'price', operator: '<', value: 20.5 },
        ],
      },
    ],
    [
      { filters: { category: { slug: { $eq: 'code' } } } },
      { conditions: [{ kind: 'category', attribute: 'slug', value: 'code' }] },
    ],
    [
      { sort: 'price:desc,title' },
      {
        sort: [
          { attribute: 'price', direction: 'desc' },
          { attribute: 'title', direction: 'asc' },
        ],
      },
    ],
    [{ populate: 'cover,category' }, { populate: ['cover', 'category'] }],
    [{ populate: { category: 'true' } }, { populate: ['category'] }],
    [{ pagination: { page: '3', pageSize: '100' } }, { page: 3, pageSize: 100 }],
    [{ locale: 'ru' }, { locale: 'ru' }],
  ])('%j', (query, expected) => {
    expect(catalogQueryFrom(published(query), LIMITS)).toMatchObject(expected);
  });
});

describe('catalogQueryFrom leaves every other shape to the stock path', () => {
  test.each([
    ['not forced to published (an admin)', {}],
    ['fields', published({ fields: ['title'] })],
    ['an operator other than $eq on a text field', published({ filters: { title: { $containsi: 'a' } } })],
    ['a field not in the list', published({ filters: { capacity: { $eq: '3' } } })],
    ['$in', published({ filters: { level: { $in: ['beginner'] } } })],
    ['$or', published({ filters: { $or: [{ level: 'beginner' }] } })],
    ['a price that is not a plain decimal', published({ filters: { price: { $gte: '1e3' } } })],
    ['a sort on id', published({ sort: 'id:desc' })],
    ['a sort written in capitals', published({ sort: 'title:DESC' })],
    ['populate=*', published({ populate: '*' })],
    ['a nested populate', published({ populate: { category: { fields: ['name'] } } })],
    ['tags', published({ populate: ['tags'] })],
    ['start and limit', published({ pagination: { start: '0', limit: '10' } })],
    ['withCount', published({ pagination: { withCount: 'false' } })],
    ['a page size past 100', published({ pagination: { pageSize: '101' } })],
    ['every locale', published({ locale: '*' })],
    ['a locale Lyceum does not speak', published({ locale: 'de' })],
    ['a publication filter', published({ hasPublishedVersion: 'true' })],
  ])('%s', (_name, query) => {
    expect(catalogQueryFrom(query as Record<string, unknown>, LIMITS)).toBeNull();
  });
});
