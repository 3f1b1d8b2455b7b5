import type { Core } from '@strapi/strapi';
import { cadenceFrom, defineJob, defineSchedule, type ScheduledRun } from '../jobs';

const ARTICLE = 'api::article.article';

export interface ScheduledPublication {
  documentId: string;
  locale: string;
}

/**
 * Publishes every article locale whose draft carries a `publishAt` that has passed, and clears that `publishAt` in
 * the same transaction: a schedule is consumed once, so a second run publishes nothing and an article that an
 * editor unpublishes later is not put back by the job. `now` is an argument so tests drive the clock.
 */
export async function publishDueArticles(strapi: Core.Strapi, now: Date): Promise<ScheduledPublication[]> {
  const due: ScheduledPublication[] = await strapi.db.query(ARTICLE).findMany({
    where: { publishedAt: null, publishAt: { $notNull: true, $lte: now } },
    select: ['documentId', 'locale'],
  });
  const published: ScheduledPublication[] = [];
  for (const { documentId, locale } of due) {
    const claimed = await strapi.db.transaction(async () => {
      // Clearing the schedule is the claim: of two runs at once (two instances), only the one whose UPDATE
      // still finds it publishes. It is cleared on the draft, so the published copy carries no stale schedule.
      const { count } = await strapi.db.query(ARTICLE).updateMany({
        where: { documentId, locale, publishedAt: null, publishAt: { $notNull: true, $lte: now } },
        data: { publishAt: null },
      });
      if (count === 0) return false;
      await strapi.documents(ARTICLE).publish({ documentId, locale });
      return true;
    });
    if (claimed) published.push({ documentId, locale });
  }
  return published;
}

export const SCHEDULED_PUBLISHING_JOB = 'blog.publish-scheduled-articles';

/** One run of the schedule: publishes what is due at the time it runs (a late run catches up). */
export const publishScheduledArticles = defineJob<ScheduledRun>(SCHEDULED_PUBLISHING_JOB, async (strapi) => {
  const published = await publishDueArticles(strapi, new Date());
  if (published.length > 0) strapi.log.info(`blog: published ${published.length} scheduled article locale(s)`);
});

/** Every minute by default (`BLOG_PUBLISH_CRON`), the granularity an editor picks a time with. */
export function schedulePublishing(): void {
  defineSchedule(
    SCHEDULED_PUBLISHING_JOB,
    cadenceFrom('BLOG_PUBLISH_CRON', process.env.BLOG_PUBLISH_CRON, { cron: '* * * * *' }),
    publishScheduledArticles
  );
}
