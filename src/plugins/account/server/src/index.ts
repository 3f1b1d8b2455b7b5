import type { Core } from '@strapi/strapi';
import { ORIGIN } from '../../../../access/sessions';
import { provideNotificationSettings } from '../../../../notifications/channels';
import pushController from './controllers/push';
import sessionsController from './controllers/sessions';
import settingsController from './controllers/settings';
import './push-job';
import routes from './routes';
import privacy from './services/privacy';
import push from './services/push';
import sessions from './services/sessions';
import settings from './services/settings';
import { ensureAccountTables } from './tables';

const SESSION = 'admin::session';

type SessionCreated = { params?: { data?: Record<string, unknown> } };

/** Where the request that made a session came from, and whether it was a refresh (a rotation, not a login). */
function requestOrigin(strapi: Core.Strapi) {
  const ctx = strapi.requestContext.get() as
    { request?: { ip?: string; path?: string }; get?: (header: string) => string } | undefined;
  return {
    userAgent: (typeof ctx?.get === 'function' ? ctx.get('user-agent') : '') || null,
    ip: ctx?.request?.ip || null,
    isRefresh: typeof ctx?.request?.path === 'string' && ctx.request.path.endsWith('/auth/refresh'),
  };
}

/**
 * The account (contract "Tutor marketplace": Sessions, Settings, Web push): the caller's sign-in sessions with
 * where they came from and when last used, notification and privacy settings (enforced by notice delivery,
 * messaging and profiles through the facade), and web push subscriptions with their delivery job (`push.send`).
 */
export default {
  services: { sessions, settings, privacy, push },
  controllers: { sessions: sessionsController, settings: settingsController, push: pushController },
  routes,
  register({ strapi }: { strapi: Core.Strapi }) {
    // Features that mail a kind of their own ask the kind's email switch through the core (one way down).
    provideNotificationSettings(strapi, {
      channelsOf: (userIds, kind) =>
        (strapi.plugin('account').service('settings') as ReturnType<typeof settings>).channelsOfUsers(userIds, kind),
    });
  },
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureAccountTables(strapi);
    const service = () => strapi.plugin('account').service('sessions');
    // Every Content API session row made (login, register, OAuth, password change, refresh) records its origin.
    strapi.db.lifecycles.subscribe({
      models: [SESSION],
      async afterCreate(event: SessionCreated) {
        const data = event.params?.data;
        if (!data || data.origin !== ORIGIN || typeof data.deviceId !== 'string' || data.userId == null) return;
        const { isRefresh, ...origin } = requestOrigin(strapi);
        await service().recordSessionRow(String(data.userId), data.deviceId, origin, isRefresh);
      },
    });
    // Use of a session (any signed-in request) moves its lastUsedAt, at most once a minute: after the answer.
    strapi.server.use(async (ctx: any, next: () => Promise<void>) => {
      await next();
      const sessionId = ctx.state?.session?.id;
      const userId = ctx.state?.user?.id;
      if (typeof sessionId !== 'string' || userId == null) return;
      service()
        .touch(Number(userId), sessionId)
        .catch((error: unknown) => strapi.log.warn(`account: lastUsedAt not written: ${String(error)}`));
    });
  },
};
