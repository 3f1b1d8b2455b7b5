import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import type waitlistsService from '../services/waitlists';

const waitlists = (strapi: Core.Strapi) =>
  strapi.plugin('enrollment').service('waitlists') as ReturnType<typeof waitlistsService>;
const views = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollment-views');

/** A student's side of a full course's waitlist (contract, "Teaching depth"). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /courses/:documentId/waitlist */
  async join(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    const caller = callerFrom(ctx.state);
    const data = await waitlists(strapi).join({ userId: caller.userId!, courseDocumentId, now: new Date() });
    ctx.status = 201;
    ctx.body = { data, meta: {} };
  },

  /** DELETE /courses/:documentId/waitlist/me */
  async leave(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const caller = callerFrom(ctx.state);
    ctx.body = {
      data: await waitlists(strapi).leave({ userId: caller.userId!, courseDocumentId, now: new Date() }),
      meta: {},
    };
  },

  /** GET /me/waitlists */
  async mine(ctx: any) {
    const data = await waitlists(strapi).listForStudent(callerFrom(ctx.state).userId!);
    ctx.body = { data, meta: { total: data.length } };
  },

  /** POST /courses/:documentId/waitlist/accept */
  async accept(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    const caller = callerFrom(ctx.state);
    const now = new Date();
    const enrollment = await waitlists(strapi).accept({ userId: caller.userId!, courseDocumentId, now });
    ctx.status = 201;
    ctx.body = { data: await views(strapi).present(enrollment, courseDocumentId, now), meta: {} };
  },
});
