import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../../errors/refusal';
import { currencyCode } from '../../../../../../content/currencies';
import { toMinor } from '../../../../../commerce/server/src/facade';

/**
 * What a task request and an offer may say (contract "Tutor marketplace"), checked before anything is stored.
 * Pure: the service checks afterwards that the subject tag exists. Money follows commerce's rules (exact minor
 * units inside, a decimal number of major units in the API, ISO 4217 codes). Text is cleaned by the text policy
 * (src/content/text-policy.ts) on write.
 */
export const TASK_FIELDS = ['title', 'description', 'subject', 'budget', 'currency', 'deadline'] as const;
export const OFFER_FIELDS = ['message', 'price'] as const;

export const TITLE_LIMIT = 200;
export const DESCRIPTION_LIMIT = 10_000;
export const MESSAGE_LIMIT = 5_000;
/** The largest budget or offer price, in major units: far above any lesson, within the decimal column. */
export const MAX_AMOUNT = 1_000_000;

const DOCUMENT_ID = /^[A-Za-z0-9]{1,64}$/;
/** An ISO 8601 date or date-time (what `Date` reads unambiguously). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface TaskInput {
  title: string;
  description: string;
  /** A tag's documentId (checked to exist by the service). */
  subject: string;
  /** Minor units of `currency`, or null when the student names no budget. */
  budgetMinor: number | null;
  /** The currency of the budget and of the offers; null when the student names none (offers then take the tutor's). */
  currency: string | null;
  deadline: Date | null;
}

export interface OfferInput {
  message: string;
  /** The price as sent: read in minor units once the task's currency is known (`offerPriceMinor`). */
  price: unknown;
}

function requiredText(
  problems: FieldError[],
  body: Record<string, unknown>,
  field: string,
  limit: number
): string | undefined {
  const value = body[field];
  if (typeof value !== 'string' || !value.trim()) {
    problems.push(fieldProblem(field, `${field} must be non-empty text`));
    return undefined;
  }
  if (value.length > limit) {
    problems.push(fieldProblem(field, `${field} must be at most ${limit} characters`));
    return undefined;
  }
  return value.trim();
}

/** A task request's body as typed values; every problem at once as a 400 naming the fields. */
export function parseTaskInput(body: Record<string, unknown>, now: Date): TaskInput {
  const problems: FieldError[] = [];
  const title = requiredText(problems, body, 'title', TITLE_LIMIT);
  const description = requiredText(problems, body, 'description', DESCRIPTION_LIMIT);
  const subject = typeof body.subject === 'string' && DOCUMENT_ID.test(body.subject) ? body.subject : undefined;
  if (!subject) problems.push(fieldProblem('subject', 'subject must be the documentId of a tag'));

  let currency: string | null = null;
  let isCurrencyValid = true;
  if (body.currency !== undefined && body.currency !== null) {
    currency = currencyCode(body.currency);
    isCurrencyValid = currency !== null;
    if (!isCurrencyValid) problems.push(fieldProblem('currency', 'currency must be an ISO 4217 code such as USD'));
  }
  let budgetMinor: number | null = null;
  if (body.budget !== undefined && body.budget !== null) {
    if (currency) {
      budgetMinor = toMinor(body.budget, currency);
      if (budgetMinor === null || budgetMinor === 0 || budgetMinor > toMinor(MAX_AMOUNT, currency)!)
        problems.push(
          fieldProblem(
            'budget',
            `budget must be a positive amount of ${currency} up to ${MAX_AMOUNT} with at most its decimals`
          )
        );
    } else if (isCurrencyValid) problems.push(fieldProblem('currency', 'a budget needs its currency'));
  }
  let deadline: Date | null = null;
  if (body.deadline !== undefined && body.deadline !== null) {
    const parsed = typeof body.deadline === 'string' && ISO_DATE.test(body.deadline) ? new Date(body.deadline) : null;
    if (!parsed || Number.isNaN(parsed.getTime()))
      problems.push(fieldProblem('deadline', 'deadline must be an ISO 8601 date-time'));
    else if (parsed.getTime() <= now.getTime())
      problems.push(fieldProblem('deadline', 'deadline must be in the future'));
    else deadline = parsed;
  }
  throwIfInvalid(problems);
  return {
    title: title!,
    description: description!,
    subject: subject!,
    budgetMinor,
    currency,
    deadline,
  };
}

/** An offer's body: a message and a price (read in the task's currency by `offerPriceMinor`). */
export function parseOfferInput(body: Record<string, unknown>): OfferInput {
  const problems: FieldError[] = [];
  const message = requiredText(problems, body, 'message', MESSAGE_LIMIT);
  if (body.price === undefined || body.price === null) problems.push(fieldProblem('price', 'price is required'));
  throwIfInvalid(problems);
  return { message: message!, price: body.price };
}

/** An offer's price in minor units of the task's currency; 400 naming `price` when it is not a positive amount. */
export function offerPriceMinor(price: unknown, currency: string): number {
  const minor = toMinor(price, currency);
  if (minor === null || minor === 0 || minor > toMinor(MAX_AMOUNT, currency)!)
    throwIfInvalid([
      fieldProblem(
        'price',
        `price must be a positive amount of ${currency} up to ${MAX_AMOUNT} with at most its decimals`
      ),
    ]);
  return minor!;
}
