import type { Core } from '@strapi/strapi';
import { USER } from './social-tables';

/** How a person appears to others here: never an email or any other private field (contract "Social learning"). */
export interface PublicPerson {
  id: number;
  username: string;
  fullName: string | null;
  avatar: { url: string; alternativeText: string | null } | null;
}

/** Public rows of the given users, by id; users that no longer exist are absent. */
export async function publicPeople(strapi: Core.Strapi, ids: readonly number[]): Promise<Map<number, PublicPerson>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const users = await strapi.db.query(USER).findMany({
    where: { id: { $in: unique } },
    select: ['id', 'username', 'fullName'],
    populate: { avatar: { select: ['url', 'alternativeText'] } },
  });
  return new Map(
    users.map((user: any) => [
      user.id,
      {
        id: user.id,
        username: user.username,
        fullName: user.fullName ?? null,
        avatar: user.avatar ? { url: user.avatar.url, alternativeText: user.avatar.alternativeText ?? null } : null,
      },
    ])
  );
}

export async function userExists(strapi: Core.Strapi, id: number): Promise<boolean> {
  return Boolean(await strapi.db.query(USER).findOne({ where: { id }, select: ['id'] }));
}
