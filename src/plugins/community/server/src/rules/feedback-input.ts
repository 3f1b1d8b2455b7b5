import { fieldProblem, throwIfInvalid } from '../../../../../errors/refusal';
import { readBody, readText } from './field-errors';

export const FEEDBACK_LIMITS = { name: 120, email: 254, message: 5000 } as const;

// Deliberately plain: one @, no spaces, a dot in the domain. The mail server is the real judge.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// A name ends up in a mail subject: line breaks and other control characters are refused.
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface FeedbackInput {
  name: string;
  email: string;
  message: string;
}

export function parseFeedbackInput(body: unknown): FeedbackInput {
  const { fields, problems } = readBody(body, ['name', 'email', 'message']);
  const name = readText(fields, 'name', { min: 1, max: FEEDBACK_LIMITS.name, required: true }, problems);
  if (name !== undefined && CONTROL.test(name)) problems.push(fieldProblem('name', 'name must be a single line'));
  const email = readText(fields, 'email', { min: 3, max: FEEDBACK_LIMITS.email, required: true }, problems);
  if (email !== undefined && !EMAIL.test(email)) problems.push(fieldProblem('email', 'email must be an email address'));
  const message = readText(fields, 'message', { min: 1, max: FEEDBACK_LIMITS.message, required: true }, problems);
  throwIfInvalid(problems);
  return { name: name!, email: email!.toLowerCase(), message: message! };
}
