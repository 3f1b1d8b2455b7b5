import type { Core } from '@strapi/strapi';
import { watchAdminAccounts } from './access/admin-accounts';
import { guardTeacherAuthoring } from './access/admin-teacher-guard';
import { registerApiDescription } from './api-description/openapi';
import { ensureAdminRoles, registerCourseTeacherCondition } from './bootstrap/admin-roles';
import { startCacheBus, stopCacheBus } from './cache/bus';
import { purgeCacheOnWrites } from './cache/purge-on-write';
import { useRedisWhenConfigured, type RedisCache } from './cache/redis-provider';
import { cachePluginRoutes } from './cache/routes';
import { useLocalProvider } from './cache/response-store';
import { configureAccountMail } from './bootstrap/auth-mail';
import { sendMailThroughJobs } from './mail/mail-job';
import { ensureLocales } from './bootstrap/locales';
import { ensureQueryIndexes } from './bootstrap/query-indexes';
import { applyQuizLayouts } from './bootstrap/quiz-layout';
import { configureOAuthProviders, registerYandexProvider } from './bootstrap/oauth-providers';
import { watchSessions } from './access/sessions';
import { shareRateLimitsWhenConfigured, stopSharingRateLimits } from './access/rate-limit';
import { applyPermissionMatrix } from './bootstrap/roles';
import { registerGraphql } from './graphql';
import { computeReadingMinutesOnSave } from './blog/reading-minutes';
import { schedulePublishing } from './blog/scheduled-publishing';
import { fillMissingSlugs } from './content/slugs';
import { validateWrites } from './content/validate-writes';
import { applyTextPolicy } from './content/text-policy';
import { DEMO_ADMIN_PANEL_USERS, DEMO_PASSWORD, DEMO_USERS } from './demo/accounts';
import { guardMediaFields } from './uploads/media-fields';
import { applyBootstrapPatches, applyRegisterPatches } from './strapi-patches';
import { isDemoDataWanted, seedDemoDataOnce } from './demo/seed';
import { seedSocialDemoOnce } from './demo/social';
import { seedTaskDemoOnce } from './demo/tasks';
import { seedSupportDemoOnce } from './demo/support';
import { seedTutorsDemoOnce } from './demo/tutors';
import { startJobs, stopJobs } from './jobs';
import { ensureAuditTable } from './audit';
import { ensureDataExportsTable, scheduleDataExportExpiry } from './privacy/data-exports';
import { watchStructureWrites } from './access/course-structure-cache';
import { serveOperations, stopOperations, watchRedisForReadiness } from './operations';
import { drainOnShutdown } from './operations/graceful-shutdown';
import { resumeQueuedVideos, startMedia } from './media';
import { scheduleResumableCleanup, serveResumableDiscovery } from './uploads/resumable';
import { closePlanOncePool } from './strapi-patches/postgres-prepared-statements';

let redisCache: RedisCache | undefined;

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // The first document middlewares, in this order: text is cleaned (markup removed or sanitised), then the field
    // rules judge the cleaned values (so `<b></b>` cannot pass a required title); slugs, media and reading time
    // after them read data both have passed.
    applyTextPolicy(strapi);
    validateWrites(strapi);
    // Strapi's internals replaced or wrapped (src/strapi-patches, UPGRADE.md).
    applyRegisterPatches(strapi);
    cachePluginRoutes(strapi);
    fillMissingSlugs(strapi);
    registerYandexProvider(strapi);
    registerApiDescription(strapi);
    registerGraphql(strapi);
    guardMediaFields(strapi);
    computeReadingMinutesOnSave(strapi);
    guardTeacherAuthoring(strapi);
    serveOperations(strapi);
    drainOnShutdown(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // With REDIS_URL: in-process caches follow writes made on other instances, rate limits count across all of them.
    await startCacheBus(strapi);
    shareRateLimitsWhenConfigured(strapi);
    redisCache = useRedisWhenConfigured(strapi);
    if (!redisCache) useLocalProvider(strapi);
    watchRedisForReadiness(strapi, redisCache);
    purgeCacheOnWrites(strapi);
    watchStructureWrites(strapi);
    await ensureQueryIndexes(strapi);
    await ensureLocales(strapi);
    await applyPermissionMatrix(strapi);
    watchSessions(strapi);
    // Role changes audited, the last admin kept, on every path that writes a user.
    watchAdminAccounts(strapi);
    applyBootstrapPatches(strapi);
    await configureAccountMail(strapi);
    sendMailThroughJobs(strapi);
    await configureOAuthProviders(strapi);
    schedulePublishing();
    scheduleDataExportExpiry();
    scheduleResumableCleanup();
    serveResumableDiscovery(strapi);
    await registerCourseTeacherCondition(strapi);
    await ensureAdminRoles(strapi);
    await applyQuizLayouts(strapi);
    await ensureAuditTable(strapi);
    await ensureDataExportsTable(strapi);
    await startMedia(strapi);
    await startJobs(strapi);
    await resumeQueuedVideos(strapi);
    if (!isDemoDataWanted(process.env)) return;
    if (await seedDemoDataOnce(strapi)) strapi.log.info('Lyceum: demo data loaded');
    if (await seedSocialDemoOnce(strapi)) strapi.log.info('Lyceum: demo posts, follows and likes loaded');
    if (await seedTutorsDemoOnce(strapi)) strapi.log.info('Lyceum: demo tutors and their reviews loaded');
    // After the demo tutors: the task's matches are theirs.
    if (await seedTaskDemoOnce(strapi)) strapi.log.info('Lyceum: demo task request loaded');
    if (await seedSupportDemoOnce(strapi)) strapi.log.info('Lyceum: demo support ticket loaded');
    strapi.server.httpServer.once('listening', () => {
      const url =
        strapi.config.get<string | undefined>('server.absoluteUrl') ??
        `http://localhost:${strapi.config.get<number>('server.port')}`;
      const lines = [
        '',
        `Lyceum is running. Admin panel: ${url}/admin   API: ${url}/api`,
        `Demo accounts (password ${DEMO_PASSWORD}):`,
        ...DEMO_USERS.map((user) => `  ${user.role.padEnd(8)} ${user.email}`),
        `Admin panel (same password): ${DEMO_ADMIN_PANEL_USERS.map((user) => `${user.email} (${user.role})`).join(', ')}`,
        '',
      ];
      console.log(lines.join('\n'));
    });
  },

  async destroy({ strapi }: { strapi: Core.Strapi }) {
    await stopJobs(strapi);
    stopOperations(strapi);
    await stopCacheBus();
    await stopSharingRateLimits();
    await redisCache?.close();
    redisCache = undefined;
    await closePlanOncePool(strapi);
  },
};
