import type { Core } from '@strapi/strapi';

/**
 * Ways two people become contacts outside courses (contract "Community": "(marketplace) an accepted offer joined
 * them"). A plugin above messaging provides its answer at start-up through the messaging facade, so messaging never
 * imports it; the contact rule (rules/messaging-rules.ts) takes the answer as one more fact. Symmetric: a source
 * answers the same for (a, b) and (b, a), so messages go both ways.
 */
export interface ContactSource {
  /** A short name for logs and tests (`marketplace`). */
  name: string;
  areContacts(userId: number, otherUserId: number): Promise<boolean>;
}

const provided = new WeakMap<Core.Strapi, ContactSource[]>();

/** Adds a source of contacts (once per name: a second registration under the same name replaces the first). */
export function provideContactSource(strapi: Core.Strapi, source: ContactSource): void {
  const sources = (provided.get(strapi) ?? []).filter((known) => known.name !== source.name);
  provided.set(strapi, [...sources, source]);
}

/** Whether any provided source joins the two people. */
export async function joinedByContactSource(
  strapi: Core.Strapi,
  userId: number,
  otherUserId: number
): Promise<boolean> {
  for (const source of provided.get(strapi) ?? []) if (await source.areContacts(userId, otherUserId)) return true;
  return false;
}
