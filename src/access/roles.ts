/**
 * Who is calling, in the contract's words. Every rule asks this instead of poking at ctx.state.
 */
export const ROLE_TYPES = ['public', 'student', 'teacher', 'admin', 'support'] as const;
export type RoleType = (typeof ROLE_TYPES)[number];

export interface Caller {
  userId: number | null;
  role: RoleType;
}

interface AuthState {
  user?: { id: number; role?: { type?: string } | null } | null;
  auth?: { strategy?: { name?: string } } | null;
}

export const isRoleType = (value: unknown): value is RoleType =>
  typeof value === 'string' && (ROLE_TYPES as readonly string[]).includes(value);

export function callerFrom(state: AuthState): Caller {
  // A full-access API token is an operator's key: it already passed Strapi's own check, so it acts as an admin.
  if (!state.user && state.auth?.strategy?.name === 'api-token') return { userId: null, role: 'admin' };
  if (!state.user) return { userId: null, role: 'public' };
  const type = state.user.role?.type;
  // Any other role (the stock "authenticated" one, or one made in the admin panel) gets a student's rights, never more.
  return { userId: state.user.id, role: isRoleType(type) && type !== 'public' ? type : 'student' };
}

export const isAdmin = (caller: Caller): boolean => caller.role === 'admin';

/** Support staff (contract "Tutor marketplace", Support): API admins and users with the `support` role. */
export const isSupportStaff = (caller: Caller): boolean => caller.role === 'admin' || caller.role === 'support';
