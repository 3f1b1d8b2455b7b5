import type { Core } from '@strapi/strapi';

/**
 * Takes one relation out of a REST `populate` parameter (every shape Strapi accepts: "a,b", ["a"], { a: … }, "*")
 * and says whether it was asked for, so a controller can fill it itself with a safe projection.
 */
export function takePopulatedRelation(query: Record<string, unknown>, relation: string): boolean {
  const populate = query.populate;
  if (populate === '*' || populate === true || populate === 'true') return true;
  if (typeof populate === 'string') {
    const names = populate.split(',').map((name) => name.trim());
    if (!names.includes(relation)) return false;
    const rest = names.filter((name) => name !== relation);
    if (rest.length) query.populate = rest.join(',');
    else delete query.populate;
    return true;
  }
  if (Array.isArray(populate)) {
    if (!populate.includes(relation)) return false;
    const rest = populate.filter((name) => name !== relation);
    if (rest.length) query.populate = rest;
    else delete query.populate;
    return true;
  }
  if (populate && typeof populate === 'object' && relation in populate) {
    const { [relation]: _taken, ...rest } = populate as Record<string, unknown>;
    if (Object.keys(rest).length) query.populate = rest;
    else delete query.populate;
    return true;
  }
  return false;
}

/** As Strapi's output sanitizer decides whether a populated relation stays: may this caller `find` its type? */
export async function mayFind(strapi: Core.Strapi, auth: unknown, uid: string): Promise<boolean> {
  try {
    await strapi.auth.verify(auth as Parameters<Core.Strapi['auth']['verify']>[0], { scope: [`${uid}.find`] });
    return true;
  } catch {
    return false;
  }
}
