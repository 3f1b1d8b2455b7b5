import { UPLOAD_FILE } from './schema';

export const USER = 'plugin::users-permissions.user';

interface ContentTypeInfo {
  uid?: string;
  kind?: string;
  info?: { pluralName?: string; singularName?: string };
}

/** The name each api:: type is served under: its plural for a collection, its singular for a single type. */
export function coreRouteNames(contentTypes: Record<string, ContentTypeInfo>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [uid, contentType] of Object.entries(contentTypes)) {
    if (!uid.startsWith('api::')) continue;
    const name = contentType.kind === 'singleType' ? contentType.info?.singularName : contentType.info?.pluralName;
    if (name) names.set(name, uid);
  }
  return names;
}

const isParam = (segment: string | undefined) => !!segment && segment.startsWith(':');

/**
 * The model whose schema a route's query is read against, from the route's path template (`/api/courses/:id`):
 * core routes of api:: types, the upload plugin's files and users-permissions' users. Undefined for every other
 * route (custom routes read their own query), which then gets the shape checks only.
 */
export function modelOfRoute(template: string, prefix: string, names: ReadonlyMap<string, string>): string | undefined {
  const base = `${prefix}/`;
  if (!template.startsWith(base)) return undefined;
  const segments = template.slice(base.length).split('/').filter(Boolean);
  const [first, second, third] = segments;
  if (first === 'upload' && second === 'files' && (segments.length === 2 || (segments.length === 3 && isParam(third))))
    return UPLOAD_FILE;
  if (
    first === 'users' &&
    (segments.length === 1 || (segments.length === 2 && (isParam(second) || second === 'me' || second === 'count')))
  )
    return USER;
  const uid = names.get(first);
  if (uid && (segments.length === 1 || (segments.length === 2 && isParam(second)))) return uid;
  return undefined;
}
