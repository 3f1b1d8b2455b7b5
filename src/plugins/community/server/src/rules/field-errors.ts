import { fieldProblem, invalidFields, type FieldError } from '../../../../../errors/refusal';

/** Checks an object body: exactly the named fields, no others. Returns the fields and the problems found. */
export function readBody(
  body: unknown,
  allowed: readonly string[]
): { fields: Record<string, unknown>; problems: FieldError[] } {
  if (body === undefined || body === null || body === '') return { fields: {}, problems: [] };
  if (typeof body !== 'object' || Array.isArray(body)) {
    // Not an object at all: no field to name, so the error's path is empty (the whole body).
    throw invalidFields([{ path: [], message: 'The body must be a JSON object', name: 'ValidationError' }]);
  }
  const problems = Object.keys(body)
    .filter((field) => !allowed.includes(field))
    .map((field) => fieldProblem(field, `${field} is not accepted here`));
  return { fields: body as Record<string, unknown>, problems };
}

/** A required or optional piece of text, trimmed, within a length. */
export function readText(
  fields: Record<string, unknown>,
  field: string,
  limits: { min: number; max: number; required: boolean },
  problems: FieldError[]
): string | undefined {
  const value = fields[field];
  if (value === undefined) {
    if (limits.required) problems.push(fieldProblem(field, `${field} is required`));
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(fieldProblem(field, `${field} must be text`));
    return undefined;
  }
  const text = value.trim();
  if (text.length < limits.min || text.length > limits.max) {
    problems.push(fieldProblem(field, `${field} must be ${limits.min} to ${limits.max} characters long`));
    return undefined;
  }
  return text;
}
