import type { Core } from '@strapi/strapi';

/**
 * Durable side effects: a state change records the jobs it causes in its own transaction (the outbox), and the job
 * runner delivers them after the commit, with retries. Delivery is at least once, so every handler is idempotent.
 *
 * INTERIM: this file fixes the interface the plugins code against; the durable outbox and runner replace the body
 * of `enqueue` without changing its signature.
 */

/** A kind of side effect: its type names it in the outbox, `run` performs it (idempotently). */
export interface JobKind<Payload> {
  readonly type: string;
  run(strapi: Core.Strapi, payload: Payload): Promise<void>;
}

const kinds = new Map<string, JobKind<never>>();

/** Declares a kind of job once, at module load; the runner finds its handler by `type`. */
export function defineJob<Payload>(
  type: string,
  run: (strapi: Core.Strapi, payload: Payload) => Promise<void>
): JobKind<Payload> {
  if (kinds.has(type)) throw new Error(`job type ${type} is defined twice`);
  const kind: JobKind<Payload> = { type, run };
  kinds.set(type, kind as JobKind<never>);
  return kind;
}

export const jobKind = (type: string): JobKind<unknown> | undefined => kinds.get(type) as JobKind<unknown> | undefined;

export interface EnqueueOptions {
  /** Idempotency key: a second job with the same type and key is not added. */
  key?: string;
  /** Not before this time (default: now). */
  runAt?: Date;
}

/** A recorded job; `deliver()` runs it now (after the caller's transaction), where the answer must wait for it. */
export interface EnqueuedJob {
  deliver(): Promise<void>;
}

/**
 * Records a job in the caller's transaction (or on its own outside one); it is delivered after the commit. `payload`
 * must survive JSON.
 */
export async function enqueue<Payload>(
  strapi: Core.Strapi,
  kind: JobKind<Payload>,
  payload: Payload,
  options: EnqueueOptions = {}
): Promise<EnqueuedJob> {
  void options;
  const copy = JSON.parse(JSON.stringify(payload)) as Payload;
  let started: Promise<void> | null = null;
  const deliver = () => {
    started ??= kind.run(strapi, copy).catch((error: Error) => {
      strapi.log.error(`jobs: ${kind.type} failed: ${error.message}`);
    });
    return started;
  };
  const later = () => setImmediate(() => void deliver());
  if (strapi.db.inTransaction()) await strapi.db.transaction(({ onCommit }) => onCommit(later));
  else later();
  return { deliver };
}
