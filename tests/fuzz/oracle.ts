/**
 * The pass condition of the fuzz suite: no 5xx, and no answer that shows how the server is built: SQL text, a
 * database driver's error, a stack trace, a server file path. 4xx (429 included) are all fine.
 */
export const LEAK_PATTERNS: Array<[string, RegExp]> = [
  ['SQL statement', /\bselect\s+(?:distinct\s+)?[\w"`.*,\s()]+?\s+from\s+[\w"`]/i],
  ['SQL statement', /\binsert\s+into\s+[\w"`]/i],
  ['SQL statement', /\bupdate\s+[\w"`.]+\s+set\s+[\w"`]/i],
  ['SQL statement', /\bdelete\s+from\s+[\w"`]/i],
  ['SQLite error', /SQLITE_[A-Z]+/],
  [
    'PostgreSQL error',
    /syntax error at (?:or near|end of input)|relation "[^"]*" does not exist|column "[^"]*" (?:does not exist|of relation)|invalid input syntax for type|violates (?:foreign key|unique|not-null|check) constraint|out of range for type|operator does not exist/i,
  ],
  ['query builder', /\bknex\b/i],
  ['stack trace', /\n\s+at [^\n]*(?:\(|:\d+:\d+)/],
  ['stack trace', /^\s*at (?:async )?[\w.<>$]+ \(/m],
  ['server path', /node_modules[\\/]/],
  ['server path', new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  ['server path', /\/work\//],
  ['source line', /\.(?:[cm]?js|ts):\d+/],
];

export interface Answer {
  status: number;
  text: string;
  body: unknown;
}

export interface Finding {
  kind: string;
  /** The matched text, or the status. */
  evidence: string;
}

function stringsIn(value: unknown, into: string[] = [], depth = 0): string[] {
  if (depth > 40) return into;
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into, depth + 1);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      stringsIn(item, into, depth + 1);
    }
  return into;
}

/**
 * The contract's 503s that describe the installation, not a fault: a payment provider without keys (the fuzzed
 * server has none) answers 503 `payments_not_configured`, web push without VAPID keys 503 `push_not_configured`.
 */
const CONTRACT_503_REASONS = new Set(['payments_not_configured', 'push_not_configured']);
function isContractUnavailable(answer: Answer): boolean {
  const reason = (answer.body as { error?: { details?: { reason?: unknown } } } | undefined)?.error?.details?.reason;
  return answer.status === 503 && typeof reason === 'string' && CONTRACT_503_REASONS.has(reason);
}

/**
 * What is wrong with an answer. A match that is only the request echoed back (a title the client sent that reads
 * "select * from users", a 400 naming the bad value) is not a leak: `sent` holds every string of the request.
 */
export function judge(answer: Answer, sent: string[]): Finding | undefined {
  // 599 is the sender's mark for a request that got no answer at all (a dropped connection, a timeout).
  if (answer.status === 599) return { kind: 'no answer', evidence: answer.text };
  if (answer.status >= 500 && !isContractUnavailable(answer))
    return { kind: `status ${answer.status}`, evidence: String(answer.status) };
  const texts = answer.body && typeof answer.body === 'object' ? stringsIn(answer.body) : [answer.text ?? ''];
  for (const text of texts) {
    for (const [kind, pattern] of LEAK_PATTERNS) {
      const found = pattern.exec(text);
      if (found && !sent.some((piece) => piece.includes(found[0].trim())))
        return { kind: `${kind} in the answer`, evidence: found[0] };
    }
  }
  return undefined;
}
