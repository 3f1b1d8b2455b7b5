import type { Core } from '@strapi/strapi';
import { defineJob, type ScheduledRun } from '../../../../../jobs';
import type waitlistsService from '../services/waitlists';

export const EXPIRE_WAITLIST_OFFERS = 'enrollment.expire-waitlist-offers';

type Waitlists = ReturnType<typeof waitlistsService>;
const waitlists = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('waitlists') as Waitlists;

/** Which course has seats reserved for its waitlist (see seats.ts, reserveForWaitlist). */
export interface WaitlistPromotion {
  courseDocumentId: string;
}

/**
 * `enrollment.waitlist-promote`: gives each seat reserved for a course's waitlist to the first in line (enrolled, or
 * offered the seat), recorded in the transaction that freed the seat. Idempotent: it works from the reservations
 * left, so a second run, or a run for a course another run already served, finds nothing to do.
 */
export const waitlistPromotionJob = defineJob<WaitlistPromotion>(
  'enrollment.waitlist-promote',
  async (strapi, { courseDocumentId }) => {
    const promoted = await waitlists(strapi).promote(courseDocumentId, new Date());
    if (promoted > 0) strapi.log.info(`waitlist: ${promoted} seat(s) of ${courseDocumentId} went to the waitlist`);
  }
);

/**
 * Offers nobody answered in time expire and their seats go to the next in line. Idempotent and taking the time it
 * runs at (each offer expires once: a conditional update of its status).
 */
export const expireWaitlistOffers = defineJob<ScheduledRun>(EXPIRE_WAITLIST_OFFERS, async (strapi) => {
  const expired = await waitlists(strapi).expireOffers(new Date());
  if (expired > 0) strapi.log.info(`waitlist: ${expired} unanswered offer(s) expired; the seats move on`);
});
