import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';
import { emailByDefault } from '../../../../../notifications/channels';

/**
 * A user's settings (contract "Tutor marketplace", Settings): per notification kind whether it is shown in the app,
 * copied by email and sent as web push; who sees the profile and who may write to them. What the user chose is
 * stored as given; the defaults fill in the rest whenever settings are read, so a new kind or a new switch needs
 * no migration.
 */
export const CHANNELS = ['inApp', 'email', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];
export const PROFILE_VISIBILITIES = ['public', 'members', 'private'] as const;
export type ProfileVisibility = (typeof PROFILE_VISIBILITIES)[number];
export const MESSAGE_AUDIENCES = ['everyone', 'contacts', 'nobody'] as const;
export type MessageAudience = (typeof MESSAGE_AUDIENCES)[number];

export type KindChannels = Record<Channel, boolean>;

export interface StoredSettings {
  notifications?: Record<string, Partial<KindChannels>>;
  privacy?: { profileVisibility?: ProfileVisibility; allowMessagesFrom?: MessageAudience };
}

export interface Settings {
  notifications: Record<string, KindChannels>;
  privacy: { profileVisibility: ProfileVisibility; allowMessagesFrom: MessageAudience };
}

/**
 * The defaults: every kind in the app and as push (push reaches only the devices the user subscribed); email on for
 * kinds whose mail the feature writes itself or is a receipt, else as the profile's `emailNotifications` says (off
 * unless the user turned it on) (src/notifications/channels.ts); the profile public and messages from contacts (the
 * messaging rule that held before settings existed).
 */
export const DEFAULT_PRIVACY: Settings['privacy'] = { profileVisibility: 'public', allowMessagesFrom: 'contacts' };
export const defaultChannels = (kind: string, emailCopies: boolean): KindChannels => ({
  inApp: true,
  email: emailByDefault(kind, emailCopies),
  push: true,
});

/** The settings a user has: the stored choices over the defaults, for every known kind. */
export function effectiveSettings(stored: StoredSettings, kinds: readonly string[], emailCopies: boolean): Settings {
  const notifications: Record<string, KindChannels> = {};
  for (const kind of kinds)
    notifications[kind] = { ...defaultChannels(kind, emailCopies), ...stored.notifications?.[kind] };
  return { notifications, privacy: { ...DEFAULT_PRIVACY, ...stored.privacy } };
}

/** The channels of one kind for one user, from their stored choices. */
export const channelsOf = (stored: StoredSettings, kind: string, emailCopies: boolean): KindChannels => ({
  ...defaultChannels(kind, emailCopies),
  ...stored.notifications?.[kind],
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A PUT body, checked whole (every refused field named, 400) and merged into what is stored: a kind or a switch the
 * body leaves out keeps its stored value.
 */
export function mergeSettingsInput(stored: StoredSettings, body: unknown, kinds: readonly string[]): StoredSettings {
  const problems: FieldError[] = [];
  if (!isObject(body)) throwIfInvalid([fieldProblem('body', 'The body must be a JSON object')]);
  const input = body as Record<string, unknown>;
  for (const field of Object.keys(input))
    if (field !== 'notifications' && field !== 'privacy') problems.push(fieldProblem(field, `Unknown field ${field}`));

  const notifications: Record<string, Partial<KindChannels>> = { ...stored.notifications };
  if (input.notifications !== undefined) {
    if (!isObject(input.notifications))
      problems.push(fieldProblem('notifications', 'notifications must be an object of kinds'));
    else
      for (const [kind, value] of Object.entries(input.notifications)) {
        const path = `notifications.${kind}`;
        if (!kinds.includes(kind)) {
          problems.push(fieldProblem(path, `Unknown notification kind ${kind}: one of ${kinds.join(', ')}`));
          continue;
        }
        if (!isObject(value)) {
          problems.push(fieldProblem(path, `${path} must be an object of inApp, email, push`));
          continue;
        }
        const merged: Partial<KindChannels> = { ...notifications[kind] };
        for (const [channel, on] of Object.entries(value)) {
          if (!(CHANNELS as readonly string[]).includes(channel))
            problems.push(fieldProblem(`${path}.${channel}`, `Unknown channel ${channel}: one of inApp, email, push`));
          else if (typeof on !== 'boolean') problems.push(fieldProblem(`${path}.${channel}`, 'Must be true or false'));
          else merged[channel as Channel] = on;
        }
        notifications[kind] = merged;
      }
  }

  const privacy = { ...stored.privacy };
  if (input.privacy !== undefined) {
    if (!isObject(input.privacy)) problems.push(fieldProblem('privacy', 'privacy must be an object'));
    else
      for (const [field, value] of Object.entries(input.privacy)) {
        if (field === 'profileVisibility') {
          if ((PROFILE_VISIBILITIES as readonly unknown[]).includes(value))
            privacy.profileVisibility = value as ProfileVisibility;
          else
            problems.push(
              fieldProblem('privacy.profileVisibility', `Must be one of ${PROFILE_VISIBILITIES.join(', ')}`)
            );
        } else if (field === 'allowMessagesFrom') {
          if ((MESSAGE_AUDIENCES as readonly unknown[]).includes(value))
            privacy.allowMessagesFrom = value as MessageAudience;
          else
            problems.push(fieldProblem('privacy.allowMessagesFrom', `Must be one of ${MESSAGE_AUDIENCES.join(', ')}`));
        } else problems.push(fieldProblem(`privacy.${field}`, `Unknown field privacy.${field}`));
      }
  }
  throwIfInvalid(problems);
  return { notifications, privacy };
}

/**
 * Who may see a profile (contract: a private profile is 404 to others, a members-only one 404 to visitors). The
 * owner and staff always may.
 */
export function mayViewProfile(
  visibility: ProfileVisibility,
  viewer: { userId: number | null; isStaff: boolean },
  ownerId: number
): boolean {
  if (viewer.userId === ownerId || viewer.isStaff) return true;
  if (visibility === 'public') return true;
  if (visibility === 'members') return viewer.userId !== null;
  return false;
}
