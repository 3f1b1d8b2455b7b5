/**
 * How `GET /tasks/:documentId/matches` ranks tutors (issue 26 item 3): by subject, rating, price within budget,
 * shared language and recent activity. The statement (services/matching.ts) computes the same score in SQL over the
 * candidates an index gives it; this module holds the weights, the rating prior and the words of the reasons, so the
 * ranking can be read and unit-tested in one place.
 *
 * Rating is a Bayesian average: every tutor starts with PRIOR_WEIGHT imaginary reviews of PRIOR_MEAN, so one 5-star
 * review (3.75) does not beat fifty reviews averaging 4.8 (4.68), and a new tutor sits at the prior rather than at 0.
 */
export const PRIOR_MEAN = 3.5;
export const PRIOR_WEIGHT = 5;

/** Each part is in 0..1; the score is their weighted sum (0..1). Candidates all teach the subject. */
export const WEIGHTS = { subject: 0.35, rating: 0.3, price: 0.15, language: 0.12, activity: 0.08 } as const;

/** A task without a budget neither rewards nor punishes any rate. */
export const NEUTRAL_PRICE = 0.5;
/** Active within a week counts fully, within a month half. */
export const ACTIVE_RECENTLY_DAYS = 7;
export const ACTIVE_THIS_MONTH_DAYS = 30;

export const bayesianRating = (ratingSum: number, ratingCount: number): number =>
  (PRIOR_MEAN * PRIOR_WEIGHT + ratingSum) / (PRIOR_WEIGHT + ratingCount);

/** The rating part: the Bayesian average from 1..5 onto 0..1. */
export const ratingPart = (ratingSum: number, ratingCount: number): number =>
  (bayesianRating(ratingSum, ratingCount) - 1) / 4;

/** Within budget counts fully; above it, less the further above, nothing from twice the budget. */
export function pricePart(
  rate: number | null,
  rateCurrency: string | null,
  budget: number | null,
  currency: string | null
) {
  if (budget === null) return NEUTRAL_PRICE;
  if (rate === null || rateCurrency === null || rateCurrency !== currency) return 0;
  if (rate <= budget) return 1;
  return rate < 2 * budget ? (2 * budget - rate) / budget : 0;
}

export function activityPart(lastActiveAt: Date | null, now: Date): number {
  if (!lastActiveAt) return 0;
  const days = (now.getTime() - lastActiveAt.getTime()) / 86_400_000;
  if (days <= ACTIVE_RECENTLY_DAYS) return 1;
  return days <= ACTIVE_THIS_MONTH_DAYS ? 0.5 : 0;
}

export interface MatchFacts {
  subjectName: string | null;
  ratingSum: number;
  ratingCount: number;
  ratingAverage: number;
  hourlyRate: number | null;
  rateCurrency: string | null;
  budget: number | null;
  currency: string | null;
  sharesLanguage: boolean;
  language: string | null;
  lastActiveAt: Date | null;
}

/** The score as the statement computes it (for tests and for reading). */
export function matchScore(facts: MatchFacts, now: Date): number {
  return (
    WEIGHTS.subject +
    WEIGHTS.rating * ratingPart(facts.ratingSum, facts.ratingCount) +
    WEIGHTS.price * pricePart(facts.hourlyRate, facts.rateCurrency, facts.budget, facts.currency) +
    WEIGHTS.language * (facts.sharesLanguage ? 1 : 0) +
    WEIGHTS.activity * activityPart(facts.lastActiveAt, now)
  );
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const languageName = (code: string) => {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
};
const amount = (value: number, currency: string) => `${value} ${currency}`;

/** Why a tutor matches, in words a student reads: one line per part that counts. */
export function matchReasons(facts: MatchFacts, now: Date): string[] {
  const reasons = [facts.subjectName ? `Teaches ${facts.subjectName}` : 'Teaches the subject of your task'];
  if (facts.ratingCount > 0)
    reasons.push(
      `Rated ${facts.ratingAverage.toFixed(1)} from ${facts.ratingCount} review${facts.ratingCount === 1 ? '' : 's'}`
    );
  else reasons.push('New tutor: no reviews yet');
  if (facts.budget !== null && facts.currency !== null && facts.hourlyRate !== null && facts.rateCurrency !== null) {
    const rate = amount(facts.hourlyRate, facts.rateCurrency);
    const budget = amount(facts.budget, facts.currency);
    if (facts.rateCurrency !== facts.currency)
      reasons.push(`Charges in ${facts.rateCurrency}, your budget is in ${facts.currency}`);
    else if (facts.hourlyRate <= facts.budget) reasons.push(`Hourly rate ${rate} is within your budget of ${budget}`);
    else reasons.push(`Hourly rate ${rate} is above your budget of ${budget}`);
  }
  if (facts.sharesLanguage && facts.language) reasons.push(`Speaks ${languageName(facts.language)}`);
  const activity = activityPart(facts.lastActiveAt, now);
  if (activity === 1) reasons.push('Active in the last week');
  else if (activity > 0) reasons.push('Active in the last month');
  return reasons;
}
