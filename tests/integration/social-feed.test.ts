import path from 'path';
import { adminSession } from '../helpers/admin-users';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** Social learning: the feed, moderation and notices (contract "Social learning"). */
type Jobs = typeof import('../../src/jobs');
// The job registry the running Strapi uses (compiled into dist/), not ts-jest's copy.
const jobs = (): Jobs => require(path.join(process.cwd(), 'dist', 'src', 'jobs', 'index.js'));

let app: TestApp;
let make: ReturnType<typeof factories>;
let admin: TestUser;
const tags: Record<string, { documentId: string }> = {};

async function post(user: TestUser, overrides: Record<string, unknown> = {}) {
  const response = await app.request
    .post('/api/posts')
    .set(user.auth)
    .send({ kind: 'note', title: 'A note', body: 'Some text', ...overrides });
  if (response.status !== 201) throw new Error(`post failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data as { id: number; documentId: string; title: string };
}
const follow = (fan: TestUser, star: TestUser) => app.request.put(`/api/users/${star.id}/follow`).set(fan.auth);
const like = (user: TestUser, documentId: string) => app.request.put(`/api/posts/${documentId}/like`).set(user.auth);
const feed = (user: TestUser, query: string) => app.request.get(`/api/feed?${query}`).set(user.auth);
const ids = (response: any): string[] => response.body.data.map((row: any) => row.documentId);

/** Every page of a feed (or until `between` has run on each page turn). */
async function allPages(user: TestUser, sort: string, limit: number, between: () => Promise<unknown> = async () => {}) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const response = await feed(user, `sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    seen.push(...ids(response));
    cursor = response.body.meta.nextCursor;
    if (!cursor) return seen;
    await between();
  }
  throw new Error('too many pages');
}

async function eventually<T>(probe: () => Promise<T | undefined | null | false>): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('it never happened');
}
/** The user's notices of a type once there is at least one. */
const firstNotices = (user: TestUser, type: string): Promise<any[]> =>
  eventually(async () => {
    const rows = await noticesOf(user, type);
    return rows.length ? rows : null;
  });
const noticesOf = (user: TestUser, type: string): Promise<any[]> =>
  app.strapi.db
    .query('api::notification.notification')
    .findMany({ where: { user: { id: user.id }, type }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  // A long like window: the digest of a burst is delivered by the test, never by the clock.
  app = await startLyceum({ SOCIAL_LIKE_DIGEST_SECONDS: '3600' });
  make = factories(app.strapi);
  admin = await make.createUser('admin');
  for (const name of ['Algebra', 'Poetry', 'Geometry'])
    tags[name] = await app.strapi.documents('api::tag.tag' as any).create({ data: { name } as any });
});
afterAll(stopLyceum);

describe('feed', () => {
  test("recent: followed users' posts newest first, followers-only included for followers, no one else's", async () => {
    const [viewer, a, b, stranger] = await Promise.all(Array.from({ length: 4 }, () => make.createUser('student')));
    await follow(viewer, a);
    await follow(viewer, b);
    const p1 = await post(a, { title: 'p1' });
    const p2 = await post(b, { title: 'p2' });
    const p3 = await post(a, { title: 'p3', visibility: 'followers' });
    await post(stranger, { title: 'not followed' });
    await post(viewer, { title: 'my own' });
    await app.request.post('/api/posts?status=draft').set(a.auth).send({ kind: 'note', title: 'draft', body: 'x' });
    const response = await feed(viewer, 'sort=recent');
    expect(response.status).toBe(200);
    expect(response.body.meta.sort).toBe('recent');
    const shown = ids(response);
    expect(shown).toEqual([p3.documentId, p2.documentId, p1.documentId]);
    // The other follower-less viewer does not see p3 anywhere.
    const popular = await allPages(stranger, 'popular', 50);
    expect(popular).not.toContain(p3.documentId);
    expect(popular).toContain(p1.documentId);
  });

  test('recent pages stay stable while new posts arrive: no duplicates, no gaps', async () => {
    const [viewer, author] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await follow(viewer, author);
    const original: string[] = [];
    for (let index = 0; index < 7; index += 1)
      original.unshift((await post(author, { title: `old ${index}` })).documentId);
    let added = 0;
    const seen = await allPages(viewer, 'recent', 3, async () => {
      added += 1;
      await post(author, { title: `new ${added}` });
    });
    expect(added).toBeGreaterThan(0);
    expect(seen).toEqual(original);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('popular: public posts by likes and comments with time decay, stable across pages', async () => {
    const [author, ...fans] = await Promise.all(Array.from({ length: 6 }, () => make.createUser('student')));
    const quiet = await post(author, { title: 'quiet' });
    const liked = await post(author, { title: 'liked' });
    const loved = await post(author, { title: 'loved' });
    const old = await post(author, { title: 'old but loved' });
    const secret = await post(author, { title: 'secret', visibility: 'followers' });
    await Promise.all(fans.slice(0, 1).map((fan) => like(fan, liked.documentId)));
    await Promise.all(fans.slice(0, 3).map((fan) => like(fan, loved.documentId)));
    await app.request.post(`/api/posts/${loved.documentId}/comments`).set(fans[4].auth).send({ body: 'great' });
    // Two days old: its likes are worth far less than a fresh post's nothing.
    const twoDaysAgo = Date.now() - 48 * 3_600_000;
    await app.strapi.db
      .query('api::post.post')
      .update({ where: { documentId: old.documentId }, data: { postedMs: twoDaysAgo } as any });
    await Promise.all(fans.slice(0, 5).map((fan) => like(fan, old.documentId)));
    await Promise.all(fans.map((fan) => follow(fan, author)));
    await Promise.all(fans.map((fan) => like(fan, secret.documentId)));

    const everything = await allPages(fans[0], 'popular', 2);
    expect(new Set(everything).size).toBe(everything.length);
    const mine = everything.filter((documentId) =>
      [quiet, liked, loved, old, secret].some((candidate) => candidate.documentId === documentId)
    );
    expect(mine).toEqual([loved.documentId, liked.documentId, quiet.documentId, old.documentId]);
  });

  test('recommended: tags of what one liked or commented and followed authors, with reasons; never own or liked', async () => {
    const [viewer, x, y, followed, z] = await Promise.all(Array.from({ length: 5 }, () => make.createUser('student')));
    const likedPost = await post(x, { title: 'liked algebra', tags: [tags.Algebra.documentId] });
    const commentedPost = await post(z, { title: 'commented geometry', tags: [tags.Geometry.documentId] });
    await like(viewer, likedPost.documentId);
    await app.request.post(`/api/posts/${commentedPost.documentId}/comments`).set(viewer.auth).send({ body: 'nice' });
    await follow(viewer, followed);
    const byTag = await post(y, { title: 'more algebra', tags: [tags.Algebra.documentId, tags.Poetry.documentId] });
    const byGeometry = await post(z, { title: 'more geometry', tags: [tags.Geometry.documentId] });
    const byFollowed = await post(followed, { title: 'from followed' });
    const followersOnly = await post(followed, { title: 'followers only', visibility: 'followers' });
    const unrelated = await post(y, { title: 'poetry only', tags: [tags.Poetry.documentId] });
    const hiddenFromViewer = await post(y, {
      title: 'algebra for followers',
      visibility: 'followers',
      tags: [tags.Algebra.documentId],
    });
    const own = await post(viewer, { title: 'my algebra', tags: [tags.Algebra.documentId] });

    const response = await feed(viewer, 'sort=recommended&limit=50');
    expect(response.status).toBe(200);
    const byId = new Map(response.body.data.map((row: any) => [row.documentId, row]));
    expect((byId.get(byTag.documentId) as any).reason).toEqual({
      kind: 'tag',
      tag: { documentId: tags.Algebra.documentId, name: 'Algebra', slug: expect.anything() },
    });
    expect((byId.get(byGeometry.documentId) as any).reason).toMatchObject({ kind: 'tag', tag: { name: 'Geometry' } });
    expect((byId.get(byFollowed.documentId) as any).reason).toEqual({ kind: 'followed_author' });
    expect(byId.has(followersOnly.documentId)).toBe(true);
    for (const absent of [likedPost, unrelated, hiddenFromViewer, own]) expect(byId.has(absent.documentId)).toBe(false);
    // Liking one takes it out.
    await like(viewer, byTag.documentId);
    expect(ids(await feed(viewer, 'sort=recommended&limit=50'))).not.toContain(byTag.documentId);
  });

  test('the feed needs a signed-in user and valid parameters', async () => {
    const viewer = await make.createUser('student');
    expect((await app.request.get('/api/feed')).status).toBe(401);
    expect((await feed(viewer, 'sort=random')).status).toBe(400);
    expect((await feed(viewer, 'cursor=bogus')).status).toBe(400);
    expect((await feed(viewer, 'limit=0')).status).toBe(400);
    expect((await feed(viewer, '')).body.meta.sort).toBe('recent');
  });
});

describe('moderation', () => {
  test('reports need a reason; admins hide and restore (audited); hidden posts leave every list and feed', async () => {
    const [author, reader, fan] = await Promise.all(Array.from({ length: 3 }, () => make.createUser('student')));
    await follow(reader, author);
    const target = await post(author, { title: 'Spam here', tags: [tags.Poetry.documentId] });
    const path = `/api/posts/${target.documentId}`;
    await like(fan, target.documentId);

    expect((await app.request.post(`${path}/report`).set(reader.auth).send({})).status).toBe(400);
    expect((await app.request.post(`${path}/report`).set(reader.auth).send({ reason: '   ' })).status).toBe(400);
    const report = await app.request.post(`${path}/report`).set(reader.auth).send({ reason: 'It is spam' });
    expect(report.status).toBe(201);
    expect((await app.request.post(`${path}/report`).send({ reason: 'x' })).status).toBe(401);
    const reported = await app.request.get('/api/post-reports').set(admin.auth);
    expect(reported.status).toBe(200);
    expect(reported.body.data.find((row: any) => row.documentId === target.documentId)).toMatchObject({
      reportsCount: 1,
      reports: [{ reason: 'It is spam', reporter: { id: reader.id } }],
    });
    expect((await app.request.get('/api/post-reports').set(reader.auth)).status).toBe(403);

    expect((await app.request.post(`${path}/hide`).set(reader.auth).send({})).status).toBe(403);
    const hidden = await app.request.post(`${path}/hide`).set(admin.auth).send({ reason: 'spam' });
    expect(hidden.status).toBe(200);
    expect(hidden.body.data).toEqual({ documentId: target.documentId, hidden: true });

    expect((await app.request.get(path).set(reader.auth)).status).toBe(404);
    expect((await app.request.get(path).set(author.auth)).status).toBe(404);
    expect((await app.request.get(path).set(admin.auth)).body.data.isHidden).toBe(true);
    expect((await like(reader, target.documentId)).status).toBe(404);
    expect((await app.request.get(`${path}/comments`).set(reader.auth)).status).toBe(404);
    expect(ids(await app.request.get(`/api/users/${author.id}/posts`).set(reader.auth))).not.toContain(
      target.documentId
    );
    expect(ids(await app.request.get('/api/me/posts').set(author.auth))).not.toContain(target.documentId);
    expect(await allPages(reader, 'recent', 50)).not.toContain(target.documentId);
    expect(await allPages(reader, 'popular', 50)).not.toContain(target.documentId);
    expect(await allPages(fan, 'recommended', 50)).not.toContain(target.documentId);

    const restored = await app.request.post(`${path}/restore`).set(admin.auth).send({ reason: 'appeal granted' });
    expect(restored.body.data.hidden).toBe(false);
    expect((await app.request.get(path).set(reader.auth)).status).toBe(200);
    expect(await allPages(reader, 'recent', 50)).toContain(target.documentId);

    const audit = await app.request.get(`/api/audit-events?entity=post:${target.documentId}`).set(admin.auth);
    expect(audit.status).toBe(200);
    expect(audit.body.data.map((event: any) => [event.action, event.after, event.reason])).toEqual(
      expect.arrayContaining([
        ['content.hidden', { hidden: true }, 'spam'],
        ['content.hidden', { hidden: false }, 'appeal granted'],
      ])
    );
  });
  test('comments: reported with a reason, hidden and restored by admins (audited); a hidden one leaves the thread and the count but for staff and its author, marked', async () => {
    const [author, commenter, reader] = await Promise.all(Array.from({ length: 3 }, () => make.createUser('student')));
    const target = await post(author, { title: 'A thread' });
    const thread = `/api/posts/${target.documentId}/comments`;
    const rude = await app.request.post(thread).set(commenter.auth).send({ body: 'Rude words' });
    await app.request.post(thread).set(reader.auth).send({ body: 'Kind words' });
    const commentPath = `/api/post-comments/${rude.body.data.documentId}`;
    const threadIds = async (user?: TestUser) => {
      const response = user ? await app.request.get(thread).set(user.auth) : await app.request.get(thread);
      expect(response.status).toBe(200);
      return response.body.data as any[];
    };
    const commentsCount = async () =>
      (await app.request.get(`/api/posts/${target.documentId}`).set(reader.auth)).body.data.commentsCount;
    expect(await commentsCount()).toBe(2);

    expect((await app.request.post(`${commentPath}/report`).set(reader.auth).send({})).status).toBe(400);
    expect(
      (await app.request.post(`${commentPath}/report`).set(reader.auth).send({ reason: 'x', extra: 1 })).status
    ).toBe(400);
    expect((await app.request.post(`${commentPath}/report`).send({ reason: 'x' })).status).toBe(401);
    expect(
      (await app.request.post('/api/post-comments/nosuchcomment/report').set(reader.auth).send({ reason: 'x' })).status
    ).toBe(404);
    const report = await app.request.post(`${commentPath}/report`).set(reader.auth).send({ reason: 'Insults' });
    expect(report.status).toBe(201);
    expect(report.body.data).toMatchObject({ comment: { documentId: rude.body.data.documentId }, reason: 'Insults' });

    expect((await app.request.get('/api/post-reports?target=comment').set(reader.auth)).status).toBe(403);
    expect((await app.request.get('/api/post-reports?target=sideways').set(admin.auth)).status).toBe(400);
    const reported = await app.request.get('/api/post-reports?target=comment').set(admin.auth);
    expect(reported.status).toBe(200);
    expect(reported.body.data.find((row: any) => row.documentId === rude.body.data.documentId)).toMatchObject({
      body: 'Rude words',
      post: { documentId: target.documentId, title: 'A thread' },
      author: { id: commenter.id },
      hidden: false,
      reportsCount: 1,
      reports: [{ reason: 'Insults', reporter: { id: reader.id } }],
    });
    // The posts' list stays a list of posts.
    expect(
      (await app.request.get('/api/post-reports').set(admin.auth)).body.data.map((row: any) => row.documentId)
    ).not.toContain(rude.body.data.documentId);

    expect((await app.request.post(`${commentPath}/hide`).set(reader.auth).send({})).status).toBe(403);
    expect((await app.request.post(`${commentPath}/hide`).set(admin.auth).send({ reason: 7 })).status).toBe(400);
    const hidden = await app.request.post(`${commentPath}/hide`).set(admin.auth).send({ reason: 'insults' });
    expect(hidden.status).toBe(200);
    expect(hidden.body.data).toEqual({ documentId: rude.body.data.documentId, hidden: true });
    expect((await app.request.post(`${commentPath}/hide`).set(admin.auth).send({})).status).toBe(200);

    const ids = (rows: any[]) => rows.map((row) => row.documentId);
    expect(ids(await threadIds(reader))).toEqual([expect.any(String)]);
    expect(ids(await threadIds(reader))).not.toContain(rude.body.data.documentId);
    expect(ids(await threadIds())).not.toContain(rude.body.data.documentId);
    expect(ids(await threadIds(author))).not.toContain(rude.body.data.documentId);
    const [own] = await threadIds(commenter);
    expect(own).toMatchObject({ documentId: rude.body.data.documentId, body: 'Rude words', isHidden: true });
    expect((await threadIds(admin))[0]).toMatchObject({ documentId: rude.body.data.documentId, isHidden: true });
    expect((await threadIds(reader))[0].isHidden).toBe(false);
    expect(await commentsCount()).toBe(1);
    expect((await app.request.put(`${commentPath}/like`).set(reader.auth)).status).toBe(404);
    expect((await app.request.post(`${commentPath}/report`).set(reader.auth).send({ reason: 'again' })).status).toBe(
      404
    );
    expect(
      (await app.request.post(thread).set(reader.auth).send({ body: 'Reply', parent: rude.body.data.documentId }))
        .status
    ).toBe(400);
    expect(
      (await app.request.get('/api/post-reports?target=comment').set(admin.auth)).body.data.map(
        (row: any) => row.documentId
      )
    ).not.toContain(rude.body.data.documentId);
    expect(
      (await app.request.get('/api/post-reports?target=comment&hidden=true').set(admin.auth)).body.data.find(
        (row: any) => row.documentId === rude.body.data.documentId
      )
    ).toMatchObject({ hidden: true, hiddenReason: 'insults' });

    const restored = await app.request.post(`${commentPath}/restore`).set(admin.auth).send({ reason: 'appeal' });
    expect(restored.body.data).toEqual({ documentId: rude.body.data.documentId, hidden: false });
    expect(ids(await threadIds(reader))).toContain(rude.body.data.documentId);
    expect(await commentsCount()).toBe(2);
    expect((await app.request.post('/api/post-comments/nosuchcomment/restore').set(admin.auth).send({})).status).toBe(
      404
    );

    // Hidden, then deleted by its author (who still sees it): the count left once, with the hiding.
    await app.request.post(`${commentPath}/hide`).set(admin.auth).send({});
    expect((await app.request.delete(commentPath).set(commenter.auth)).status).toBe(200);
    expect(await commentsCount()).toBe(1);
    expect((await app.request.post(`${commentPath}/restore`).set(admin.auth).send({})).status).toBe(200);
    expect(await commentsCount()).toBe(1);

    const audit = await app.request
      .get(`/api/audit-events?entity=post-comment:${rude.body.data.documentId}`)
      .set(admin.auth);
    expect(audit.body.data.map((event: any) => [event.action, event.after, event.reason ?? null])).toEqual(
      expect.arrayContaining([
        ['content.hidden', { hidden: true }, 'insults'],
        ['content.hidden', { hidden: false }, 'appeal'],
      ])
    );
    expect(audit.body.data).toHaveLength(3);
  });

  test('the admin panel: a Moderator lists reported posts and comments and hides and restores them (audited); a Marketer may not', async () => {
    const [author, reader] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    const target = await post(author, { title: 'Rude words' });
    await app.request.post(`/api/posts/${target.documentId}/report`).set(reader.auth).send({ reason: 'rude' });
    const moderator = await adminSession(app, 'Moderator');
    const marketer = await adminSession(app, 'Marketer');
    const reports = await app.request.get('/social/reports').set(moderator.auth);
    expect(reports.status).toBe(200);
    expect(reports.body.data.find((row: any) => row.documentId === target.documentId)).toMatchObject({
      reportsCount: 1,
      hidden: false,
      reports: [{ reason: 'rude' }],
    });
    expect((await app.request.get('/social/reports').set(marketer.auth)).status).toBe(403);
    expect((await app.request.post(`/social/posts/${target.documentId}/hide`).set(marketer.auth).send({})).status).toBe(
      403
    );
    const hidden = await app.request
      .post(`/social/posts/${target.documentId}/hide`)
      .set(moderator.auth)
      .send({ reason: 'rude' });
    expect(hidden.status).toBe(200);
    expect((await app.request.get(`/api/posts/${target.documentId}`).set(reader.auth)).status).toBe(404);
    const withHidden = await app.request.get('/social/reports?hidden=true').set(moderator.auth);
    expect(withHidden.body.data.find((row: any) => row.documentId === target.documentId)).toMatchObject({
      hidden: true,
      hiddenReason: 'rude',
    });
    expect(
      (await app.request.get('/social/reports').set(moderator.auth)).body.data.map((row: any) => row.documentId)
    ).not.toContain(target.documentId);
    expect(
      (await app.request.post(`/social/posts/${target.documentId}/restore`).set(moderator.auth).send({})).status
    ).toBe(200);
    expect((await app.request.get(`/api/posts/${target.documentId}`).set(reader.auth)).status).toBe(200);
    const audit = await app.request.get(`/api/audit-events?entity=post:${target.documentId}`).set(admin.auth);
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data.map((event: any) => event.after.moderator)).toEqual([
      expect.stringMatching(/^admin-panel:/),
      expect.stringMatching(/^admin-panel:/),
    ]);

    // Comments the same way, on the page's second list.
    const comment = await app.request
      .post(`/api/posts/${target.documentId}/comments`)
      .set(author.auth)
      .send({ body: 'More rude words' });
    const commentId = comment.body.data.documentId;
    await app.request.post(`/api/post-comments/${commentId}/report`).set(reader.auth).send({ reason: 'rude too' });
    const commentReports = await app.request.get('/social/reports?target=comment').set(moderator.auth);
    expect(commentReports.status).toBe(200);
    expect(commentReports.body.data.find((row: any) => row.documentId === commentId)).toMatchObject({
      body: 'More rude words',
      post: { documentId: target.documentId },
      reports: [{ reason: 'rude too' }],
    });
    expect((await app.request.get('/social/reports?target=comment').set(marketer.auth)).status).toBe(403);
    expect((await app.request.get('/social/reports?target=nothing').set(moderator.auth)).status).toBe(400);
    expect((await app.request.post(`/social/post-comments/${commentId}/hide`).set(marketer.auth).send({})).status).toBe(
      403
    );
    const hiddenComment = await app.request
      .post(`/social/post-comments/${commentId}/hide`)
      .set(moderator.auth)
      .send({ reason: 'rude' });
    expect(hiddenComment.body.data).toEqual({ documentId: commentId, hidden: true });
    const seen = await app.request.get(`/api/posts/${target.documentId}/comments`).set(reader.auth);
    expect(seen.body.data.map((row: any) => row.documentId)).not.toContain(commentId);
    expect(
      (await app.request.post(`/social/post-comments/${commentId}/restore`).set(moderator.auth).send({})).status
    ).toBe(200);
    const commentAudit = await app.request.get(`/api/audit-events?entity=post-comment:${commentId}`).set(admin.auth);
    expect(commentAudit.body.data.map((event: any) => [event.after.hidden, event.after.moderator])).toEqual(
      expect.arrayContaining([
        [true, expect.stringMatching(/^admin-panel:/)],
        [false, expect.stringMatching(/^admin-panel:/)],
      ])
    );
  });
});

describe('graphql', () => {
  const graphql = (query: string, variables: Record<string, unknown> = {}, user?: TestUser) =>
    app.request
      .post('/graphql')
      .set(user ? user.auth : {})
      .send({ query, variables });

  test('GraphQL: posts, comments, likes, follows and the feed under the same rules as REST', async () => {
    const [author, fan, stranger] = await Promise.all(Array.from({ length: 3 }, () => make.createUser('student')));
    const created = await graphql(
      `
        mutation ($data: JSON!) {
          createPost(data: $data)
        }
      `,
      {
        data: { kind: 'note', title: 'Via GraphQL', body: 'Hi <script>x()</script>', tags: [tags.Algebra.documentId] },
      },
      author
    );
    expect(created.body.errors).toBeUndefined();
    const publicPost = created.body.data.createPost;
    expect(publicPost).toMatchObject({ title: 'Via GraphQL', status: 'published', likesCount: 0 });
    expect(publicPost.body).not.toContain('script');
    const secret = await post(author, { title: 'GraphQL secret', visibility: 'followers' });

    const anonymous = await graphql(
      `
        query ($id: ID!) {
          post(documentId: $id)
        }
      `,
      { id: publicPost.documentId }
    );
    expect(anonymous.body.data.post.documentId).toBe(publicPost.documentId);
    const hidden = await graphql(
      `
        query ($id: ID!) {
          post(documentId: $id)
        }
      `,
      { id: secret.documentId },
      stranger
    );
    expect(hidden.body.errors[0].message).toBe('Post not found');
    expect(JSON.stringify(hidden.body)).not.toContain('GraphQL secret');
    const likeSecret = await graphql(
      `
        mutation ($id: ID!) {
          likePost(post: $id, liked: true)
        }
      `,
      { id: secret.documentId },
      stranger
    );
    expect(likeSecret.body.errors[0].message).toBe('Post not found');
    const listed = await graphql(
      `
        query ($user: ID!) {
          userPosts(user: $user)
        }
      `,
      { user: author.id },
      stranger
    );
    expect(listed.body.data.userPosts.data.map((row: any) => row.documentId)).not.toContain(secret.documentId);

    const followed = await graphql(
      `
        mutation ($user: ID!) {
          followUser(user: $user, following: true)
        }
      `,
      { user: author.id },
      fan
    );
    expect(followed.body.data.followUser).toEqual({ user: { id: author.id }, following: true });
    const self = await graphql(
      `
        mutation ($user: ID!) {
          followUser(user: $user, following: true)
        }
      `,
      { user: fan.id },
      fan
    );
    expect(self.body.errors[0].message).toBe('You cannot follow yourself');
    const liked = await graphql(
      `
        mutation ($id: ID!) {
          likePost(post: $id, liked: true)
        }
      `,
      { id: secret.documentId },
      fan
    );
    expect(liked.body.data.likePost).toMatchObject({ liked: true, likesCount: 1 });
    const comment = await graphql(
      `
        mutation ($id: ID!, $body: String!) {
          createPostComment(post: $id, body: $body)
        }
      `,
      { id: secret.documentId, body: 'Nice' },
      fan
    );
    const reply = await graphql(
      `
        mutation ($id: ID!, $body: String!, $parent: ID) {
          createPostComment(post: $id, body: $body, parent: $parent)
        }
      `,
      { id: secret.documentId, body: 'Thanks', parent: comment.body.data.createPostComment.documentId },
      author
    );
    expect(reply.body.errors).toBeUndefined();
    const commentLike = await graphql(
      `
        mutation ($id: ID!) {
          likePostComment(comment: $id, liked: true)
        }
      `,
      { id: comment.body.data.createPostComment.documentId },
      author
    );
    expect(commentLike.body.data.likePostComment.likesCount).toBe(1);
    const thread = await graphql(
      `
        query ($id: ID!) {
          postComments(post: $id)
        }
      `,
      { id: secret.documentId },
      fan
    );
    expect(thread.body.data.postComments[0]).toMatchObject({
      body: 'Nice',
      likesCount: 1,
      replies: [{ body: 'Thanks' }],
    });

    const feed = await graphql(
      `
        query {
          feed(sort: "recent", limit: 10)
        }
      `,
      {},
      fan
    );
    expect(feed.body.data.feed.data.map((row: any) => row.documentId).slice(0, 2)).toEqual([
      secret.documentId,
      publicPost.documentId,
    ]);
    expect(
      (
        await graphql(
          `
            query {
              feed(sort: "sideways")
            }
          `,
          {},
          fan
        )
      ).body.errors[0].extensions.error.name
    ).toBe('ValidationError');
    expect(
      (
        await graphql(`
          query {
            feed
          }
        `)
      ).body.errors[0].extensions.error.name
    ).toBe('ForbiddenError');
    const mine = await graphql(
      `
        query {
          myPosts
        }
      `,
      {},
      author
    );
    expect(mine.body.data.myPosts.data.map((row: any) => row.documentId)).toContain(secret.documentId);
  });
});

describe('notices', () => {
  test('a new follower, a comment, a reply and a new post by a followed user each notify once', async () => {
    const [author, fan, replier] = await Promise.all(Array.from({ length: 3 }, () => make.createUser('student')));
    await follow(fan, author);
    await follow(fan, author);
    const [followed] = await firstNotices(author, 'new_follower');
    expect(followed.title).toContain('started following you');

    const article = await post(author, { title: 'Fresh article' });
    const [newPost] = await firstNotices(fan, 'new_post');
    expect(newPost.title).toContain('“Fresh article”');
    expect(newPost.link).toBe(`/posts/${article.documentId}`);

    const comment = await app.request
      .post(`/api/posts/${article.documentId}/comments`)
      .set(fan.auth)
      .send({ body: 'Question?' });
    await eventually(async () => (await noticesOf(author, 'post_commented')).length);
    await app.request
      .post(`/api/posts/${article.documentId}/comments`)
      .set(replier.auth)
      .send({ body: 'Answer', parent: comment.body.data.documentId });
    const [reply] = await firstNotices(fan, 'comment_reply');
    expect(reply.title).toContain('replied to your comment');
    await eventually(async () => (await noticesOf(author, 'post_commented')).length === 2);
    expect(await noticesOf(author, 'new_follower')).toHaveLength(1);
    expect(await noticesOf(fan, 'new_post')).toHaveLength(1);
  });

  test('a burst of 12 likes on one post makes one grouped notice', async () => {
    const author = await make.createUser('student');
    const fans = await Promise.all(Array.from({ length: 12 }, () => make.createUser('student')));
    const target = await post(author, { title: 'Popular one' });
    await Promise.all(fans.map((fan) => like(fan, target.documentId)));
    await like(author, target.documentId);
    const table =
      app.strapi.db.dialect.client === 'postgres' ? `${app.strapi.db.getSchemaName()}.lyceum_jobs` : 'lyceum_jobs';
    const digests = await app.strapi.db.connection(table).select('id', 'payload').where('type', 'social.like-digest');
    const payloadOf = (row: any) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload);
    const forTarget = digests.filter(
      (row: any) => payloadOf(row).targetType === 'post' && payloadOf(row).targetId === target.id
    );
    expect(forTarget).toHaveLength(1);
    // The window ends (the job comes due), as the clock would make it after SOCIAL_LIKE_DIGEST_SECONDS.
    await app.strapi.db.connection(table).where('id', forTarget[0].id).update({ run_at: Date.now() });
    await jobs().deliverJob(app.strapi, Number(forTarget[0].id));
    await jobs().deliverJob(app.strapi, Number(forTarget[0].id));
    // The digest records the notice as a job of its own, which the runner delivers after the digest commits.
    const notices = await firstNotices(author, 'post_liked');
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe('12 people liked “Popular one”');
  });
});
