import type { Core } from '@strapi/strapi';
import { recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { paginationMeta, readPage } from '../../../../../access/listing';
import { parseTutorProfileInput, readTutorListRequest } from '../rules/profile-input';
import type tutorProfilesService from '../services/tutor-profiles';

const profiles = (strapi: Core.Strapi) =>
  strapi.plugin('marketplace').service('tutor-profiles') as ReturnType<typeof tutorProfilesService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /me/tutor-profile { headline, subjects, experienceYears, hourlyRate, currency, languages, introVideo } */
  async upsert(ctx: any) {
    const caller = callerFrom(ctx.state);
    const stored = caller.userId === null ? null : await profiles(strapi).findRow(caller.userId);
    const input = parseTutorProfileInput(ctx.request.body, { currency: stored?.currency ?? null });
    ctx.body = { data: await profiles(strapi).upsert(caller, input, new Date()), meta: {} };
  },

  /** GET /me/tutor-profile */
  async mine(ctx: any) {
    ctx.body = { data: await profiles(strapi).mine(callerFrom(ctx.state)), meta: {} };
  },

  /** GET /tutors?q&subject&language&priceMax&ratingMin&sort&page&pageSize (public) */
  async list(ctx: any) {
    const request = readTutorListRequest(ctx.query);
    const page = readPage(ctx.query);
    const { data, total } = await profiles(strapi).list(callerFrom(ctx.state), request, page);
    ctx.body = { data, meta: { pagination: paginationMeta(page, total) } };
  },

  /** GET /tutors/:id (public) */
  async show(ctx: any) {
    const id = recordIdParam(ctx.params.id, 'id');
    ctx.body = { data: await profiles(strapi).show(callerFrom(ctx.state), id), meta: {} };
  },

  /** GET /tutors/:id/intro/playback (public, like the profile) */
  async introPlayback(ctx: any) {
    const id = recordIdParam(ctx.params.id, 'id');
    ctx.body = { data: await profiles(strapi).introPlayback(callerFrom(ctx.state), id), meta: {} };
  },
});
