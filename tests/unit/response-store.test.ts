import { LocalCacheProvider } from '../../src/cache/response-store';

describe('LocalCacheProvider: purging one content type', () => {
  test("drops that type's answers and keeps the others", async () => {
    const provider = new LocalCacheProvider(100);
    provider.setFor('api::course.course', '/api/courses?', 'catalog', 60);
    provider.setFor('api::course.course', '/api/courses/abc/reviews?', 'reviews', 60);
    provider.setFor('api::article.article', '/api/articles?', 'articles', 60);
    provider.deleteContentType('api::course.course');
    expect(await provider.keys()).toEqual(['/api/articles?']);
    expect(provider.peek('/api/articles?')).toBe('articles');
  });

  test('its index follows evictions and overwrites', async () => {
    const provider = new LocalCacheProvider(2);
    provider.setFor('api::course.course', 'a', '1', 60);
    provider.setFor('api::course.course', 'b', '2', 60);
    provider.setFor('api::course.course', 'b', '3', 60);
    provider.setFor('api::tag.tag', 'c', '4', 60);
    // 'a' was evicted by the bound; 'b' was written twice.
    expect((await provider.keys()).sort()).toEqual(['b', 'c']);
    provider.deleteContentType('api::course.course');
    expect(await provider.keys()).toEqual(['c']);
    provider.setFor('api::course.course', 'a', '5', 60);
    provider.deleteContentType('api::course.course');
    expect(await provider.keys()).toEqual(['c']);
  });

  test('keys the plugin wrote without a type are left to its own pattern purge', async () => {
    const provider = new LocalCacheProvider(10);
    await provider.set('/api/tags?', 'tags', 60);
    provider.deleteContentType('api::tag.tag');
    expect(await provider.keys()).toEqual(['/api/tags?']);
  });
});
