/**
 * Waitlists of full courses: pure rules over plain values (tests/unit/waitlist-rules.test.ts). The seats themselves
 * are settled in seats.ts, the line's changes in services/waitlists.ts.
 */
export type WaitlistMode = 'auto' | 'offer';
export type WaitlistStatus = 'waiting' | 'offered' | 'accepted' | 'removed' | 'expired';

/** Entries still in line: a waiting one, or one holding an offered seat. */
export const ACTIVE_WAITLIST_STATUSES: readonly WaitlistStatus[] = ['waiting', 'offered'];

export const DEFAULT_OFFER_HOURS = 48;

/** A course's waitlist settings as stored (absent values take the schema's defaults). */
export interface WaitlistTerms {
  isOpen: boolean;
  mode: WaitlistMode;
  offerHours: number;
}

export function waitlistTermsFrom(row: {
  waitlist?: unknown;
  waitlist_mode?: unknown;
  waitlist_offer_hours?: unknown;
}): WaitlistTerms {
  const hours = Number(row.waitlist_offer_hours);
  return {
    // SQLite answers booleans as 0/1.
    isOpen: row.waitlist === true || row.waitlist === 1 || row.waitlist === '1',
    mode: row.waitlist_mode === 'auto' ? 'auto' : 'offer',
    offerHours: Number.isInteger(hours) && hours >= 1 ? hours : DEFAULT_OFFER_HOURS,
  };
}

/** When an offer made now runs out. */
export const offerExpiry = (now: Date, offerHours: number): Date => new Date(now.getTime() + offerHours * 3_600_000);

/** The key that makes an entry the one active entry of its student in its course (unique in the database). */
export const activeWaitlistKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;

/**
 * Live positions of a course's active entries, in line order: 1 is next. Only waiting entries stand in line, so an
 * entry's position is one more than the waiting entries before it (an offered entry keeps the place it had).
 */
export function positionsInLine<Entry extends { status: WaitlistStatus }>(
  entriesInOrder: readonly Entry[]
): Array<Entry & { position: number }> {
  let waitingBefore = 0;
  return entriesInOrder.map((entry) => {
    const position = waitingBefore + 1;
    if (entry.status === 'waiting') waitingBefore += 1;
    return { ...entry, position };
  });
}

const WORDS = {
  en: {
    subject: (title: string) => `A seat is free for you: ${title}`,
    hello: (name: string) => `Hello ${name},`,
    offer: (title: string) => `a seat in "${title}" has opened up and is kept for you.`,
    until: (expiresAt: string) => `Accept it before ${expiresAt} (UTC); after that it goes to the next person in line.`,
    noticeTitle: (title: string) => `A seat in ${title} is yours to take`,
    noticeBody: (expiresAt: string) => `Accept it before ${expiresAt} (UTC).`,
    enrolledTitle: (title: string) => `You are enrolled in ${title}`,
    enrolledBody: 'A seat opened up and went to you from the waitlist.',
  },
  ru: {
    subject: (title: string) => `Для вас освободилось место: ${title}`,
    hello: (name: string) => `Здравствуйте, ${name}!`,
    offer: (title: string) => `в курсе «${title}» освободилось место, и оно закреплено за вами.`,
    until: (expiresAt: string) =>
      `Подтвердите его до ${expiresAt} (UTC); после этого место перейдёт следующему в очереди.`,
    noticeTitle: (title: string) => `Место в курсе ${title} ждёт вас`,
    noticeBody: (expiresAt: string) => `Подтвердите его до ${expiresAt} (UTC).`,
    enrolledTitle: (title: string) => `Вы записаны на курс ${title}`,
    enrolledBody: 'Освободилось место, и оно досталось вам из очереди.',
  },
} as const;

const wordsFor = (locale: string | null | undefined) => (locale === 'ru' ? WORDS.ru : WORDS.en);
/** `2026-12-08 14:05`: the same in both languages, and unambiguous. */
const minuteOf = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ');

/** The mail and the in-app notice of an offer, in the student's language (`en`, `ru`). */
export function offerMessages(offer: {
  studentName: string;
  courseTitle: string;
  expiresAt: Date;
  locale: string | null | undefined;
  acceptUrl: string | null;
}): { mail: { subject: string; text: string }; notice: { title: string; body: string } } {
  const words = wordsFor(offer.locale);
  const expiresAt = minuteOf(offer.expiresAt);
  return {
    mail: {
      subject: words.subject(offer.courseTitle).slice(0, 200),
      text: [
        words.hello(offer.studentName),
        words.offer(offer.courseTitle),
        words.until(expiresAt),
        offer.acceptUrl ?? '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    },
    notice: { title: words.noticeTitle(offer.courseTitle).slice(0, 200), body: words.noticeBody(expiresAt) },
  };
}

/** The in-app notice of a student enrolled straight from the waitlist (`auto` mode). */
export function enrolledFromWaitlistNotice(courseTitle: string, locale: string | null | undefined) {
  const words = wordsFor(locale);
  return { title: words.enrolledTitle(courseTitle).slice(0, 200), body: words.enrolledBody };
}
