/**
 * A unique index refused the write: the loser of a race the database settled (one enrollment, one review,
 * one certificate…). PostgreSQL says 23505, SQLite SQLITE_CONSTRAINT; both put the SQL in the message,
 * which is why callers answer with their own words and never pass this error on.
 */
export function isUniqueViolation(error: unknown): boolean {
  const text = `${(error as { code?: string } | null)?.code ?? ''} ${(error as Error | null)?.message ?? ''}`;
  return /23505|SQLITE_CONSTRAINT|UNIQUE constraint|duplicate key/i.test(text);
}
