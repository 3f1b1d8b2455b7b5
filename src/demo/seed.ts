import type { Core } from '@strapi/strapi';
import { seedDemoVideo } from './demo-video';
import { DEMO_ADMIN_PANEL_USERS, DEMO_PASSWORD, DEMO_USERS } from './accounts';
import { demoArticles, demoCategories, demoCourses } from './content';
import { enrollmentKey } from '../plugins/enrollment/server/src/facade';

const USER = 'plugin::users-permissions.user';
export const DEMO_COUPON = 'WELCOME10';

/** Demo data is for trying Lyceum out: never in production, and off when LYCEUM_DEMO_DATA=false. */
export const isDemoDataWanted = (env: Record<string, string | undefined>): boolean =>
  env.NODE_ENV !== 'production' && env.LYCEUM_DEMO_DATA !== 'false';

/** Loads the demo catalog once per database; the flag lives in Strapi's core store. */
export async function seedDemoDataOnce(strapi: Core.Strapi): Promise<boolean> {
  const flag = strapi.store({ type: 'core', name: 'lyceum', key: 'demo-data' });
  if (await flag.get({})) return false;
  await strapi.db.transaction(async () => {
    const users = await seedUsers(strapi);
    await seedAdminPanelUsers(strapi);
    const categories = await seedCategories(strapi);
    await seedCourses(strapi, users, categories);
    await seedArticles(strapi);
    await seedCoupons(strapi);
  });
  // After the catalog's commit: the upload writes a file and queues its conversion job.
  try {
    await seedDemoVideo(strapi);
  } catch (error) {
    strapi.log.warn(`demo: the demo video was not made: ${(error as Error).message}`);
  }
  await flag.set({ value: { loadedAt: new Date().toISOString() } });
  return true;
}

async function seedUsers(strapi: Core.Strapi): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const account of DEMO_USERS) {
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: account.role } });
    const existing = await strapi.db.query(USER).findOne({ where: { email: account.email } });
    const user =
      existing ??
      (await strapi.plugin('users-permissions').service('user').add({
        username: account.username,
        email: account.email,
        fullName: account.fullName,
        password: DEMO_PASSWORD,
        provider: 'local',
        confirmed: true,
        blocked: false,
        role: role.id,
      }));
    ids[account.role] = user.id;
  }
  return ids;
}

/** Made after ensureAdminRoles, which creates the Teacher and Marketer roles at every boot. */
async function seedAdminPanelUsers(strapi: Core.Strapi): Promise<void> {
  const users = strapi.service('admin::user');
  for (const account of DEMO_ADMIN_PANEL_USERS) {
    if (await users.exists({ email: account.email })) continue;
    const role =
      account.role === 'Super Admin'
        ? await strapi.service('admin::role').getSuperAdmin()
        : await strapi.db.query('admin::role').findOne({ where: { name: account.role } });
    const { role: _roleName, ...profile } = account;
    await users.create({ ...profile, password: DEMO_PASSWORD, registered: true, isActive: true, roles: [role.id] });
  }
}

/** A coupon to try the checkout with: the demo student buys "SQL for Builders" through the sandbox with it. */
async function seedCoupons(strapi: Core.Strapi): Promise<void> {
  await strapi.db.query('api::coupon.coupon').create({ data: { code: DEMO_COUPON, percentOff: 10, redemptions: 0 } });
}

async function seedCategories(strapi: Core.Strapi): Promise<Record<string, string>> {
  const documentIds: Record<string, string> = {};
  for (const category of demoCategories) {
    const created = await strapi
      .documents('api::category.category')
      .create({ locale: 'en', data: { name: category.en, description: category.descriptionEn } });
    await strapi.documents('api::category.category').update({
      documentId: created.documentId,
      locale: 'ru',
      data: { name: category.ru, description: category.descriptionRu },
    });
    documentIds[category.key] = created.documentId;
  }
  return documentIds;
}

async function seedCourses(strapi: Core.Strapi, users: Record<string, number>, categories: Record<string, string>) {
  const tagIds: Record<string, string> = {};
  for (const course of demoCourses) {
    for (const tag of course.tags) {
      tagIds[tag] ??= (await strapi.documents('api::tag.tag').create({ data: { name: tag } })).documentId;
    }
    const shared = {
      level: course.level,
      price: course.price,
      currency: 'USD',
      capacity: course.capacity,
      sequential: course.sequential,
      accessDaysAfterCompletion: 30,
      category: categories[course.category],
      tags: course.tags.map((tag) => tagIds[tag]),
      teachers: [users.teacher],
    };
    const created = await strapi
      .documents('api::course.course')
      .create({ locale: 'en', data: { ...shared, ...course.en } });
    await strapi
      .documents('api::course.course')
      .update({ documentId: created.documentId, locale: 'ru', data: { ...shared, ...course.ru } });

    const lessonIds: string[] = [];
    for (const [index, lesson] of course.lessons.entries()) {
      const sharedLesson = {
        position: index + 1,
        kind: lesson.kind,
        freePreview: index === 0,
        durationMinutes: lesson.minutes,
        videoUrl: lesson.videoUrl,
        course: created.documentId,
      };
      const createdLesson = await strapi
        .documents('api::lesson.lesson')
        .create({ locale: 'en', data: { ...sharedLesson, ...lesson.en } });
      await strapi
        .documents('api::lesson.lesson')
        .update({ documentId: createdLesson.documentId, locale: 'ru', data: { ...sharedLesson, ...lesson.ru } });
      await strapi.documents('api::lesson.lesson').publish({ documentId: createdLesson.documentId, locale: '*' });
      lessonIds.push(createdLesson.documentId);
    }

    if (course.quiz) {
      const quiz = await strapi.documents('api::quiz.quiz').create({
        locale: 'en',
        data: {
          ...course.quiz.en,
          lesson: lessonIds[lessonIds.length - 1],
          passingPercent: 60,
          maxAttempts: 3,
          reviewPolicy: 'after_submit',
          required: true,
        },
      });
      await strapi.documents('api::quiz.quiz').update({
        documentId: quiz.documentId,
        locale: 'ru',
        data: {
          ...course.quiz.ru,
          lesson: lessonIds[lessonIds.length - 1],
          passingPercent: 60,
          maxAttempts: 3,
          reviewPolicy: 'after_submit',
          required: true,
        },
      });
      await strapi.documents('api::quiz.quiz').publish({ documentId: quiz.documentId, locale: '*' });
    }

    if (course.assignment) {
      const assignment = await strapi.documents('api::assignment.assignment').create({
        data: {
          ...course.assignment,
          course: created.documentId,
          dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        },
      });
      await strapi.documents('api::assignment.assignment').publish({ documentId: assignment.documentId });
    }

    await strapi.documents('api::course.course').publish({ documentId: created.documentId, locale: '*' });

    if (course.enrollStudent) {
      await strapi.db.query('plugin::enrollment.enrollment').create({
        data: {
          key: enrollmentKey(users.student, created.documentId),
          user: users.student,
          course: (
            await strapi.db
              .query('api::course.course')
              .findOne({ where: { documentId: created.documentId, locale: 'en', publishedAt: { $notNull: true } } })
          ).id,
          status: 'active',
          enrolledAt: new Date().toISOString(),
          lastActivityAt: new Date().toISOString(),
        },
      });
      await strapi.db
        .query('api::course.course')
        .updateMany({ where: { documentId: created.documentId }, data: { studentsCount: 1 } });
    }

    if (course.review) {
      await strapi.documents('api::review.review').create({
        data: {
          key: `${users.student}:${created.documentId}`,
          courseDocumentId: created.documentId,
          rating: course.review.rating,
          body: course.review.body,
          course: created.documentId,
          author: users.student,
        },
      });
      await strapi.db.query('api::course.course').updateMany({
        where: { documentId: created.documentId },
        data: { ratingAverage: course.review.rating, ratingCount: 1 },
      });
    }
  }
}

async function seedArticles(strapi: Core.Strapi) {
  const blogCategory = await strapi
    .documents('api::article-category.article-category')
    .create({ locale: 'en', data: { name: 'Learning' } });
  await strapi
    .documents('api::article-category.article-category')
    .update({ documentId: blogCategory.documentId, locale: 'ru', data: { name: 'Обучение' } });
  for (const article of demoArticles) {
    const shared = { category: blogCategory.documentId, author: { name: 'Lyceum team' } };
    const created = await strapi
      .documents('api::article.article')
      .create({ locale: 'en', data: { ...shared, ...article.en } });
    await strapi
      .documents('api::article.article')
      .update({ documentId: created.documentId, locale: 'ru', data: { ...shared, ...article.ru } });
    await strapi.documents('api::article.article').publish({ documentId: created.documentId, locale: '*' });
  }
}
