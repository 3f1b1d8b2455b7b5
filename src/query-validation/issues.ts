import { errors } from '@strapi/utils';

/** One thing wrong with a query, at the path of the parameter that holds it (e.g. ["filters", "price", "$gt"]). */
export interface QueryIssue {
  path: string[];
  message: string;
}

/** Collects issues; walkers stop early once a few are known, so a hostile query costs little to refuse. */
export class IssueList {
  readonly issues: QueryIssue[] = [];

  constructor(private readonly cap = 10) {}

  add(path: readonly string[], message: string): void {
    if (this.issues.length < this.cap) this.issues.push({ path: [...path], message });
  }

  get isFull(): boolean {
    return this.issues.length >= this.cap;
  }

  get isEmpty(): boolean {
    return this.issues.length === 0;
  }
}

/** Strapi's 400 shape: `details.errors[]` name each parameter; `param` is the top-level one, as Strapi's own validator says. */
export function queryRefusal(issues: readonly QueryIssue[]): errors.ValidationError {
  const [first] = issues;
  return new errors.ValidationError(first?.message ?? 'Invalid query', {
    source: 'query',
    param: first?.path[0] ?? null,
    errors: issues.map((issue) => ({ path: issue.path, message: issue.message, name: 'ValidationError' })),
  });
}
