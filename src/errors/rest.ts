import { databaseUnavailable, isDatabaseUnreachable } from './database-unavailable';
import { Refusal } from './refusal';

/**
 * The REST answer to a Refusal: Strapi's error shape (`{ data: null, error: { status, name, message, details } }`),
 * the one @strapi/core's error middleware gives its own typed errors, with the Refusal's own status.
 */
export function restAnswerOf(refusal: Refusal) {
  return {
    status: refusal.status,
    body: {
      data: null,
      error: { status: refusal.status, name: refusal.name, message: refusal.message, details: refusal.details },
    },
  };
}

/**
 * The `global::refusals` middleware (config/middlewares.ts, right after `strapi::errors`): answers every Refusal
 * thrown below it. Strapi's error middleware would answer a Refusal 400 whatever its status, since it finds the
 * status from the error's class. An unreachable database (src/errors/database-unavailable.ts) is answered as the
 * Refusal 503 `database_unavailable` rather than Strapi's 500.
 */
export const answerRefusals =
  (onDatabaseUnreachable: (error: unknown) => void = () => undefined) =>
  async (ctx: { status: number; body: unknown }, next: () => Promise<unknown>) => {
    try {
      await next();
    } catch (error) {
      let refusal: Refusal | undefined;
      if (error instanceof Refusal) refusal = error;
      else if (isDatabaseUnreachable(error)) {
        onDatabaseUnreachable(error);
        refusal = databaseUnavailable();
      }
      if (!refusal) throw error;
      const { status, body } = restAnswerOf(refusal);
      ctx.status = status;
      ctx.body = body;
    }
  };
