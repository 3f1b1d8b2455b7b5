import type { Core } from '@strapi/strapi';
import type { SqlStatement } from '../../../../access/raw-sql';
import type privacyService from './services/privacy';
import type settingsService from './services/settings';
import type { KindChannels } from './rules/settings';
import type { Viewer } from './services/privacy';

/**
 * What the account plugin offers the app and the plugins above it: the privacy switches they enforce (who sees a
 * profile, who may message whom), the per-kind notification channels notice delivery honours, push delivery, and
 * the user's account data for export and erasure.
 */
type PrivacyService = ReturnType<typeof privacyService>;
type SettingsService = ReturnType<typeof settingsService>;

const privacy = (strapi: Core.Strapi) => strapi.plugin('account').service('privacy') as PrivacyService;
const settings = (strapi: Core.Strapi) => strapi.plugin('account').service('settings') as SettingsService;

/** Whether `viewer` may see `ownerId`'s profile: private → owner and staff only; members → not visitors. */
export const profileVisibleTo = (strapi: Core.Strapi, viewer: Viewer, ownerId: number): Promise<boolean> =>
  privacy(strapi).profileVisibleTo(viewer, ownerId);

/**
 * The same rule as an SQL condition over a user id column (bound as an identifier, e.g. `"users"."id"`), for lists
 * and search: `WHERE … AND ${sql}` with its bindings appended in place.
 */
export const profileVisibleSql = (strapi: Core.Strapi, viewer: Viewer, userIdColumn: string): SqlStatement =>
  privacy(strapi).profileVisibleSql(viewer, userIdColumn);

/** The ids among `userIds` whose profile `viewer` may not see, to drop from a list already read. */
export const hiddenProfilesAmong = (strapi: Core.Strapi, viewer: Viewer, userIds: readonly number[]) =>
  privacy(strapi).hiddenAmong(viewer, userIds);

/** Every user id whose profile `viewer` may not see, for query-engine lists (`id: { $notIn: … }`). */
export const hiddenProfileIds = (strapi: Core.Strapi, viewer: Viewer): Promise<number[]> =>
  privacy(strapi).hiddenProfileIds(viewer);

/** Whether a user is staff (admin or support): staff see every profile and may message anyone. */
export const isStaffUser = (strapi: Core.Strapi, userId: number | null): Promise<boolean> =>
  privacy(strapi).isStaff(userId);

/** Who may write to a user (`everyone`, `contacts`, `nobody`) and whether they chose it or it is the default. */
export const messageAudienceOf = (strapi: Core.Strapi, recipientId: number) =>
  privacy(strapi).messageAudienceOf(recipientId);

/** Per recipient, the channels (inApp, email, push) of one notification kind; `emailCopiesOf` gives the default. */
export const notificationChannels = (
  strapi: Core.Strapi,
  userIds: readonly number[],
  kind: string,
  emailCopiesOf: (userId: number) => boolean
): Promise<Map<number, KindChannels>> => settings(strapi).channelsFor(userIds, kind, emailCopiesOf);

export type { Viewer } from './services/privacy';
export type { KindChannels, Settings, ProfileVisibility, MessageAudience } from './rules/settings';
export { enqueuePushes, isWebPushConfigured, type PushMessage } from './push-job';
export { collectAccountData, eraseAccountDataOf, type AccountPersonalData } from './personal-data';
