import { callerFrom } from '../../../../../access/roles';
import { forbidden } from '../../../../../errors/refusal';

/** The signed-in user these routes are about (an API token is nobody's account). */
export function accountOwner(ctx: any): number {
  const caller = callerFrom(ctx.state);
  if (caller.userId === null) throw forbidden('These routes are about a signed-in user’s own account', 'not_a_user');
  return caller.userId;
}

/** The session the request's access token belongs to (refresh mode), if any. */
export const currentSessionId = (ctx: any): string | undefined =>
  typeof ctx.state.session?.id === 'string' ? ctx.state.session.id : undefined;
