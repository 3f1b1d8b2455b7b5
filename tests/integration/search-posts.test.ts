import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Posts in GET /search and GET /search/suggest (CONTRACT "Search", "Social learning"): a public post is found with
 * its words' other forms, and only a public one: followers-only posts, drafts and hidden posts are never found, by
 * anyone, in hits, suggestions or facets. Hiding, restoring, a visibility change, going back to draft and deleting
 * show within the contract's 2 s.
 */

let app: TestApp;
let author: TestUser;
let follower: TestUser;
let admin: TestUser;
let seq = 0;
const unique = (prefix: string) => `${prefix}${process.pid}x${(seq += 1)}`;

/** The contract: a change shows in results within 2 seconds. Polls, and fails once that bound has passed. */
async function within2s(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within 2 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const search = (query: Record<string, string>, user?: TestUser) => {
  const request = app.request.get('/api/search').query(query);
  return user ? request.set(user.auth) : request;
};
const suggest = (query: Record<string, string>, user?: TestUser) => {
  const request = app.request.get('/api/search/suggest').query(query);
  return user ? request.set(user.auth) : request;
};
const ids = (response: { body: { data: Array<{ documentId: string }> } }) =>
  response.body.data.map((hit) => hit.documentId);
const finds = async (query: Record<string, string>, documentId: string) =>
  ids(await search(query)).includes(documentId);

async function createPost(user: TestUser, body: Record<string, unknown>, query = '') {
  const response = await app.request
    .post(`/api/posts${query}`)
    .set(user.auth)
    .send({ kind: 'note', ...body });
  if (response.status !== 201) throw new Error(`post failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data as { documentId: string };
}

/** The index rows of a post (whatever the API would show): none may exist for a post nobody may find. */
async function indexedRows(documentId: string): Promise<number> {
  const [{ count }] = await app.strapi.db
    .connection('lyceum_search_documents')
    .where({ type: 'post', document_id: documentId })
    .count({ count: '*' });
  return Number(count);
}

/**
 * Waits until a public post written after `hidden` is found: the index has then taken the writes before it (each
 * write's job runs right after its commit), so what is not found by then was left out, not late.
 */
async function afterIndexing(word: string): Promise<void> {
  // Its own word (not `word`), so it adds nothing to what a search for `word` counts.
  const marker = await createPost(author, { title: `${word}mark public`, body: 'A public marker' });
  await within2s(() => finds({ q: `${word}mark` }, marker.documentId), 'the marker post indexed');
}

/** Every way a search could reveal a post: hits for each viewer, the type facet, suggestions. */
async function revealed(word: string, documentId: string): Promise<string[]> {
  const leaks: string[] = [];
  for (const [who, user] of [
    ['anonymous', undefined],
    ['the author', author],
    ['a follower', follower],
    ['an admin', admin],
  ] as const) {
    const response = await search({ q: word, type: 'post' }, user);
    expect(response.status).toBe(200);
    if (ids(response).includes(documentId)) leaks.push(`hit for ${who}`);
    if (response.body.meta.facets.type.post) leaks.push(`facet count for ${who}`);
    if (response.body.meta.pagination.total) leaks.push(`total for ${who}`);
    const suggested = await suggest({ q: word }, user);
    expect(suggested.status).toBe(200);
    if (suggested.body.data.some((item: { documentId: string }) => item.documentId === documentId))
      leaks.push(`suggestion for ${who}`);
  }
  if ((await indexedRows(documentId)) > 0) leaks.push('a row in the index');
  return leaks;
}

beforeAll(async () => {
  app = await startLyceum();
  const make = factories(app.strapi);
  [author, follower, admin] = await Promise.all([
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  expect((await app.request.put(`/api/users/${author.id}/follow`).set(follower.auth)).status).toBeLessThan(300);
});
afterAll(stopLyceum);

describe('public posts are found', () => {
  test('by other forms of their words, Russian and English, with type=post, facets and a /posts/ url', async () => {
    const word = unique('postword');
    const post = await createPost(author, {
      kind: 'article',
      title: `Курсы программирования ${word}`,
      body: `Notes on **running** tests: ${word} and more`,
    });
    await within2s(() => finds({ q: word }, post.documentId), 'the public post indexed');
    // Russian: "курс" finds "Курсы"; English: "run" finds "running" (on both databases' stemmers).
    expect(await finds({ q: `курс ${word}` }, post.documentId)).toBe(true);
    expect(await finds({ q: `run ${word}` }, post.documentId)).toBe(true);
    const response = await search({ q: word, type: 'post' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([
      expect.objectContaining({
        type: 'post',
        documentId: post.documentId,
        locale: null,
        url: `/posts/${post.documentId}`,
        snippet: expect.stringContaining('<mark>'),
      }),
    ]);
    expect(response.body.meta.facets.type).toEqual({ post: 1 });
    expect(response.body.meta.pagination.total).toBe(1);
    // A locale filter still takes posts (they have none); other types leave them out.
    expect(await finds({ q: word, locale: 'ru' }, post.documentId)).toBe(true);
    expect(await finds({ q: word, locale: 'en' }, post.documentId)).toBe(true);
    expect(await finds({ q: word, type: 'course,article' }, post.documentId)).toBe(false);
    const suggested = await suggest({ q: 'Курсы программ' });
    expect(suggested.body.data.map((item: any) => item.documentId)).toContain(post.documentId);
  });

  test('facets count posts beside the other types, and type=post filters to posts', async () => {
    const word = unique('facetword');
    const posts = [
      await createPost(author, { title: `${word} one`, body: 'first' }),
      await createPost(follower, { title: `${word} two`, body: 'second' }),
    ];
    const article = await app.strapi.documents('api::article.article').create({
      locale: 'en',
      data: { title: `${word} article`, slug: unique('article-'), body: 'An article' } as any,
    });
    await app.strapi.documents('api::article.article').publish({ documentId: article.documentId });
    await within2s(async () => {
      const response = await search({ q: word });
      return response.body.meta.facets.type.post === 2 && response.body.meta.facets.type.article === 1;
    }, 'both posts and the article indexed');
    const onlyPosts = await search({ q: word, type: 'post' });
    expect(ids(onlyPosts).sort()).toEqual(posts.map((post) => post.documentId).sort());
    expect(onlyPosts.body.meta.facets.type).toEqual({ post: 2 });
  });
});

describe('what is never found', () => {
  test('a followers-only post: not by anyone, not in suggestions, facets or the index', async () => {
    const word = unique('secretword');
    const post = await createPost(author, { title: `${word} for my followers`, body: 'x', visibility: 'followers' });
    // The follower may read it directly: it exists, search just never tells.
    expect((await app.request.get(`/api/posts/${post.documentId}`).set(follower.auth)).status).toBe(200);
    await afterIndexing(word);
    expect(await revealed(word, post.documentId)).toEqual([]);
  });

  test('a draft, nor after an edit', async () => {
    const word = unique('draftword');
    const draft = await createPost(author, { title: `${word} half done`, body: 'wip' }, '?status=draft');
    await app.request
      .put(`/api/posts/${draft.documentId}?status=draft`)
      .set(author.auth)
      .send({ title: `${word} still half done` });
    await afterIndexing(word);
    expect(await revealed(word, draft.documentId)).toEqual([]);
  });
});

describe('changes show within 2 s', () => {
  test('hidden by a moderator it disappears; restored it comes back', async () => {
    const word = unique('hideword');
    const post = await createPost(author, { title: `${word} reported note`, body: 'x' });
    await within2s(() => finds({ q: word }, post.documentId), 'indexed');
    expect((await app.request.post(`/api/posts/${post.documentId}/hide`).set(admin.auth).send({})).status).toBe(200);
    await within2s(async () => (await revealed(word, post.documentId)).length === 0, 'the hidden post gone');
    expect(
      (await app.request.post(`/api/posts/${post.documentId}/restore`).set(admin.auth).send({ reason: 'ok' })).status
    ).toBe(200);
    await within2s(() => finds({ q: word }, post.documentId), 'the restored post back');
  });

  test('made followers-only it disappears, public again it comes back; back to draft or deleted it goes', async () => {
    const word = unique('visword');
    const post = await createPost(author, { title: `${word} changing note`, body: 'x' });
    const put = (query: string, body: Record<string, unknown>) =>
      app.request.put(`/api/posts/${post.documentId}${query}`).set(author.auth).send(body);
    await within2s(() => finds({ q: word }, post.documentId), 'indexed');
    expect((await put('', { visibility: 'followers' })).status).toBe(200);
    await within2s(async () => (await revealed(word, post.documentId)).length === 0, 'the followers-only post gone');
    expect((await put('', { visibility: 'public', title: `${word} renamed note` })).status).toBe(200);
    await within2s(() => finds({ q: `${word} renamed` }, post.documentId), 'public again, with its new title');
    expect((await put('?status=draft', {})).status).toBe(200);
    await within2s(async () => (await revealed(word, post.documentId)).length === 0, 'back to draft: gone');
    expect((await put('?status=published', {})).status).toBe(200);
    await within2s(() => finds({ q: word }, post.documentId), 'published again');
    expect((await app.request.delete(`/api/posts/${post.documentId}`).set(author.auth)).status).toBe(200);
    await within2s(async () => (await revealed(word, post.documentId)).length === 0, 'deleted: gone');
  });

  test('the rebuild (npm run search:reindex) indexes public posts only', async () => {
    const facade = require(path.join(process.cwd(), 'dist/src/plugins/search/server/src/facade.js'));
    const word = unique('rebuildpost');
    const open = await createPost(author, { title: `${word} open`, body: 'x' });
    const closed = await createPost(author, { title: `${word} closed`, body: 'x', visibility: 'followers' });
    const draft = await createPost(author, { title: `${word} draft`, body: 'x' }, '?status=draft');
    const hidden = await createPost(author, { title: `${word} hidden`, body: 'x' });
    await app.request.post(`/api/posts/${hidden.documentId}/hide`).set(admin.auth).send({});
    await within2s(() => finds({ q: word }, open.documentId), 'indexed');
    const indexed: Record<string, number> = await facade.rebuildIndex(app.strapi);
    // Every public post (one row each: posts have no locales), and nothing else of posts.
    const [{ count: publicPosts }] = await app.strapi.db
      .connection('posts')
      .where({ is_draft: false, visibility: 'public' })
      .whereNull('hidden_at')
      .count({ count: '*' });
    expect(indexed.post).toBe(Number(publicPosts));
    expect((await facade.countIndexed(app.strapi)).post).toBe(indexed.post);
    expect(indexed.post).toBeGreaterThan(0);
    expect(ids(await search({ q: word }))).toEqual([open.documentId]);
    for (const documentId of [closed.documentId, draft.documentId, hidden.documentId])
      expect(await indexedRows(documentId)).toBe(0);
  });
});
