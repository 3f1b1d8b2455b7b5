/**
 * The patches of Strapi's internals, by name (one file each in this folder, UPGRADE.md says what each mirrors).
 * STRAPI_PATCHES_OFF=name,name turns the named ones off, so `npm run bench` can measure what each one gains:
 * a performance patch turned off leaves Strapi's stock code in place. A patch that also fixes a contract rule
 * keeps the fix when off and drops only the part that saves time (its file says which).
 * `content-manager-relations` is a bug fix with nothing to measure and has no switch.
 */
export const PATCH_NAMES = [
  'security-middleware',
  'body-middleware',
  'content-api-permissions',
  'authenticated-user',
  'jwt-verify',
  'advanced-settings-store',
  'api-token-lookup',
  'postgres-prepared-statements',
  'rest-cache-lookup',
  'graphql-field-resolvers',
  'route-match',
] as const;

export type PatchName = (typeof PATCH_NAMES)[number];

/** The patches STRAPI_PATCHES_OFF names; an unknown name is an error, so a typo cannot measure nothing. */
export function patchesOff(value: string | undefined = process.env.STRAPI_PATCHES_OFF): Set<PatchName> {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(PATCH_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`STRAPI_PATCHES_OFF names no patch: ${unknown.join(', ')} (known: ${PATCH_NAMES.join(', ')})`);
  return new Set(names as PatchName[]);
}

// The list parsed for the last value seen: isPatchOn runs several times on every request (a profile of the lesson
// read showed the parse at 0.5% of its CPU), while the value changes only in tests.
let parsedValue: string | undefined;
let parsedOff = new Set<PatchName>();

/** Reads the variable at each call: the tests turn a patch off and on within one process. */
export const isPatchOn = (name: PatchName): boolean => {
  const value = process.env.STRAPI_PATCHES_OFF;
  if (value !== parsedValue) {
    parsedOff = patchesOff(value);
    parsedValue = value;
  }
  return !parsedOff.has(name);
};

// Registered, not local: the tests load this module from src/ while Strapi runs it from dist/.
const STOCK = Symbol.for('lyceum.stock');

/** Marks a patched function with the stock one it replaces, so a test can call both with the same input. */
export function withStock<Patched extends object>(patched: Patched, stock: unknown): Patched {
  Object.defineProperty(patched, STOCK, { value: stock });
  return patched;
}

/** The stock function a patched one replaces (see withStock), or undefined for one that is not patched. */
export function stockOf<Stock>(patched: unknown): Stock | undefined {
  return (patched as { [STOCK]?: Stock } | null | undefined)?.[STOCK];
}
