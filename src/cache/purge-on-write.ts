import type { Core } from '@strapi/strapi';
import { notePurge } from './generation';
import { responseStoreOf } from './response-store';
import { WRITTEN_BY_STATEMENT } from '../access/raw-sql';

const ACCESS_TYPES = ['plugin::users-permissions.permission', 'plugin::users-permissions.role'];
/**
 * Fields no cached answer shows: where a student is in a course. Every lesson completion and saved position
 * writes them, and purging the catalog for each would leave it cached for no one under load.
 */
const FIELDS_NO_CACHED_ANSWER_SHOWS: Record<string, Set<string>> = {
  'plugin::enrollment.enrollment': new Set([
    'lastActivityAt',
    'lastLessonDocumentId',
    'lastPositionSeconds',
    'progressPercent',
    'updatedAt',
  ]),
};

function isInvisibleToCachedAnswers(event: {
  action: string;
  model: { uid: string };
  params?: { data?: unknown };
}): boolean {
  const invisible = FIELDS_NO_CACHED_ANSWER_SHOWS[event.model.uid];
  const data = event.params?.data;
  if (!invisible || event.action !== 'afterUpdateMany' || !data || typeof data !== 'object') return false;
  const fields = Object.keys(data);
  return fields.length > 0 && fields.every((field) => invisible.has(field));
}

const WRITES = new Set([
  'afterCreate',
  'afterCreateMany',
  'afterUpdate',
  'afterUpdateMany',
  'afterDelete',
  'afterDeleteMany',
]);

type Attributes = Record<string, { type: string; target?: string; component?: string; components?: string[] }>;

/** Content types an attribute set points at, through components and dynamic zones; media is upload.file. */
function targetsOf(strapi: Core.Strapi, attributes: Attributes, seen = new Set<string>()): Set<string> {
  const targets = new Set<string>();
  for (const attribute of Object.values(attributes)) {
    if (attribute.type === 'relation' && attribute.target) targets.add(attribute.target);
    if (attribute.type === 'media') targets.add('plugin::upload.file');
    const components =
      attribute.type === 'component'
        ? [attribute.component!]
        : attribute.type === 'dynamiczone'
          ? (attribute.components ?? [])
          : [];
    for (const uid of components) {
      if (seen.has(uid)) continue;
      seen.add(uid);
      const component = strapi.components[uid as keyof typeof strapi.components] as unknown as
        { attributes: Attributes } | undefined;
      if (component) for (const target of targetsOf(strapi, component.attributes, seen)) targets.add(target);
    }
  }
  return targets;
}

/**
 * For each content type, the cached types whose answers a write to it can change: itself, what it points
 * at, what points at it. One relation away, not the plugin's transitive closure, which through the user
 * type would make every lesson completion empty the catalog cache.
 */
export function cachedTypesChangedBy(strapi: Core.Strapi, cachedUids: string[]): Map<string, string[]> {
  const contentTypes = Object.values(strapi.contentTypes) as unknown as Array<{ uid: string; attributes: Attributes }>;
  const outgoing = new Map(
    contentTypes.map((contentType) => [contentType.uid, targetsOf(strapi, contentType.attributes)])
  );
  const changedBy = new Map<string, string[]>();
  const add = (writtenUid: string, cachedUid: string) => {
    const list = changedBy.get(writtenUid) ?? [];
    if (!list.includes(cachedUid)) list.push(cachedUid);
    changedBy.set(writtenUid, list);
  };
  for (const cachedUid of cachedUids) {
    add(cachedUid, cachedUid);
    for (const target of outgoing.get(cachedUid) ?? []) add(target, cachedUid);
    for (const [uid, targets] of outgoing) if (targets.has(cachedUid)) add(uid, cachedUid);
  }
  return changedBy;
}

/**
 * Every write, whatever its path (REST, admin panel, document service, a plugin's db.query), passes through
 * the query engine's lifecycles; a global subscriber sees them all. The purge runs at once and again after
 * the surrounding transaction commits, so a read racing the write cannot leave the old answer cached.
 */
export function purgeCacheOnWrites(strapi: Core.Strapi): void {
  if (!strapi.plugin('rest-cache')) return;
  const cacheConfig = strapi.plugin('rest-cache').service('cacheConfig');
  const cacheStore = strapi.plugin('rest-cache').service('cacheStore');
  const changedBy = cachedTypesChangedBy(strapi, cacheConfig.getUids());
  // Cached answers are served before the permission check (src/middlewares/public-cache.ts): a change to
  // what the public role may read empties them all.
  for (const uid of ACCESS_TYPES) changedBy.set(uid, cacheConfig.getUids());

  const purge = async (cachedUids: string[]) => {
    notePurge();
    try {
      const store = responseStoreOf(strapi);
      // The local store finds a content type's answers by itself; a shared one is searched by key pattern.
      await Promise.all(
        cachedUids.map((uid) => (store?.purgeContentType(uid) ? undefined : cacheStore.clearByUid(uid, {}, true)))
      );
    } catch (error) {
      // A purge that cannot reach the cache must not fail the write; maxAge bounds what stays stale.
      strapi.log.warn(`REST cache purge failed: ${(error as Error).message}`);
    }
  };

  // One write is many row events (a publish rewrites every locale): each cached type is purged once per transaction.
  const purgedIn = new WeakMap<object, Set<string>>();

  // Fixed statements (src/access/raw-sql.ts) bypass lifecycles: their callers announce committed writes here.
  strapi.eventHub.on(WRITTEN_BY_STATEMENT, async (event: { uid: string }) => {
    const cachedUids = changedBy.get(event.uid);
    if (cachedUids) await purge(cachedUids);
  });

  strapi.db.lifecycles.subscribe(
    async (event: { action: string; model: { uid: string }; params?: { data?: unknown } }) => {
      if (!WRITES.has(event.action) || isInvisibleToCachedAnswers(event)) return;
      const cachedUids = changedBy.get(event.model.uid);
      if (!cachedUids) return;
      if (!strapi.db.inTransaction()) {
        await purge(cachedUids);
        return;
      }
      // A nested transaction call joins the current one; its onCommit runs when the outer one commits.
      await strapi.db.transaction(async ({ trx, onCommit }) => {
        let purged = purgedIn.get(trx);
        if (!purged) {
          const all = new Set<string>();
          purged = all;
          purgedIn.set(trx, all);
          onCommit(() => void purge([...all]));
        }
        const fresh = cachedUids.filter((uid) => !purged!.has(uid));
        for (const uid of fresh) purged.add(uid);
        if (fresh.length > 0) await purge(fresh);
      });
    }
  );
}
