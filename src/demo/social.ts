import type { Core } from '@strapi/strapi';
import type { Caller } from '../access/roles';
import { socialFollows, socialPosts, socialReactions } from '../plugins/social/server/src/facade';
import { DEMO_USERS } from './accounts';

const USER = 'plugin::users-permissions.user';

/**
 * The demo's social learning: a few posts by the demo teacher and admin, follows, likes and a short thread, so the
 * demo student's feed (recent and recommended) is not empty. Loaded once per database (its own flag, so a database
 * that had the demo catalog before gets it too).
 */
export async function seedSocialDemoOnce(strapi: Core.Strapi): Promise<boolean> {
  const flag = strapi.store({ type: 'core', name: 'lyceum', key: 'demo-social' });
  if (await flag.get({})) return false;
  const callers: Record<string, Caller> = {};
  for (const account of DEMO_USERS) {
    const user = await strapi.db.query(USER).findOne({ where: { email: account.email }, select: ['id'] });
    if (!user) return false;
    callers[account.role] = { userId: user.id, role: account.role };
  }
  const tagIds = async (names: string[]) =>
    (await strapi.db.query('api::tag.tag').findMany({ where: { name: { $in: names } }, select: ['documentId'] })).map(
      (tag: any) => tag.documentId as string
    );
  const posts = socialPosts(strapi);
  const { teacher, student, admin } = callers;
  const habits = await posts.create(teacher, {
    kind: 'article',
    title: 'Five TypeScript habits that pay off',
    body: '1. Turn on `strict`.\n2. Prefer unions to enums.\n3. Let inference work.\n4. Narrow with `in` and `typeof`.\n5. Type your boundaries, not your internals.',
    tags: await tagIds(['typescript']),
  });
  await posts.create(teacher, {
    kind: 'quiz',
    title: 'TypeScript types: a self-check',
    body: 'Three questions, as many tries as you like.',
    tags: await tagIds(['typescript', 'beginner-friendly']),
    questions: [
      {
        id: 1,
        type: 'single',
        prompt: 'Which type has no values at all?',
        points: 1,
        partialCredit: false,
        options: [
          { id: 1, text: 'unknown', correct: false },
          { id: 2, text: 'never', correct: true },
          { id: 3, text: 'void', correct: false },
        ],
        acceptedAnswers: [],
        numericAnswer: null,
        tolerance: 0,
        explanation: 'never is the empty type; unknown holds every value.',
      },
      {
        id: 2,
        type: 'true_false',
        prompt: '`strict` turns on strictNullChecks.',
        points: 1,
        partialCredit: false,
        options: [
          { id: 4, text: 'True', correct: true },
          { id: 5, text: 'False', correct: false },
        ],
        acceptedAnswers: [],
        numericAnswer: null,
        tolerance: 0,
        explanation: null,
      },
    ],
  });
  await posts.create(teacher, {
    kind: 'note',
    title: 'Indexes in one picture',
    body: 'An index is a sorted copy of some columns with a pointer back to the row. **Sorted** is the whole trick.',
    tags: await tagIds(['databases']),
    visibility: 'followers',
  });
  await posts.create(admin, {
    kind: 'note',
    title: 'Welcome to Lyceum’s learning feed',
    body: 'Share what you learn: notes, articles, videos and self-check quizzes. Follow people to see their posts.',
    tags: await tagIds(['beginner-friendly']),
  });
  await socialFollows(strapi).follow(student, teacher.userId!);
  await socialFollows(strapi).follow(admin, teacher.userId!);
  const reactions = socialReactions(strapi);
  await reactions.likePost(student, habits.documentId, true);
  await reactions.likePost(admin, habits.documentId, true);
  const question = await reactions.createComment(student, habits.documentId, {
    body: 'Why unions rather than enums?',
  });
  const answer = await reactions.createComment(teacher, habits.documentId, {
    body: 'Unions are plain values: nothing is emitted at run time and they narrow on their own.',
    parent: question.documentId,
  });
  await reactions.createComment(student, habits.documentId, {
    body: 'Makes sense, thanks!',
    parent: answer.documentId,
  });
  await reactions.likeComment(student, answer.documentId, true);
  await flag.set({ value: { loadedAt: new Date().toISOString() } });
  return true;
}
