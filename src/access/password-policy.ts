/**
 * What a password must be: long enough to resist guessing, short enough for bcrypt (which ignores
 * everything past 72 bytes), and not the account's own email or username.
 */
export const MAX_PASSWORD_BYTES = 72;

export interface PasswordOwner {
  email?: string | null;
  username?: string | null;
}

export function passwordProblem(password: unknown, owner: PasswordOwner, minLength: number): string | null {
  if (typeof password !== 'string') return 'password must be a string';
  if ([...password].length < minLength) return `password must be at least ${minLength} characters`;
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES)
    return `password must be at most ${MAX_PASSWORD_BYTES} bytes`;
  const lower = password.toLocaleLowerCase();
  // The owner's fields come from the request body as sent: anything but text is not a name to compare with (the
  // route's own validation refuses it next).
  const textOf = (value: unknown) => (typeof value === 'string' ? value.toLocaleLowerCase().trim() : undefined);
  const email = textOf(owner.email);
  const localPart = email?.split('@')[0];
  const username = textOf(owner.username);
  // Short names would refuse too much ("al" in "totally"); four characters and up are worth refusing.
  if (email && lower.includes(email)) return 'password must not contain your email';
  if (localPart && localPart.length >= 4 && lower.includes(localPart)) return 'password must not contain your email';
  if (username && username.length >= 4 && lower.includes(username)) return 'password must not contain your username';
  return null;
}

export const passwordMinLength = (env: NodeJS.ProcessEnv = process.env) => {
  const value = Number(env.PASSWORD_MIN_LENGTH ?? 10);
  return Number.isInteger(value) && value >= 6 ? value : 10;
};
