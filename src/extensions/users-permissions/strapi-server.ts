import { errors, validateYupSchema, yup } from '@strapi/utils';
import { passwordMinLength, passwordProblem, type PasswordOwner } from '../../access/password-policy';
import { patchUsersPermissionsServices } from '../../strapi-patches';
import { recordIdParam } from '../../access/params';
import { callerFrom, isRoleType } from '../../access/roles';
import { eraseUser } from '../../privacy/erasure';
import { SUPPORTED_LOCALES } from '../../content/locales';
import {
  assertRefreshAllowed,
  endCallerSessions,
  endSessionFamily,
  findSession,
  MAX_DEVICE_ID_LENGTH,
  verifyRefreshToken,
} from '../../access/sessions';
import { assertFilesAttachable, attachingCallerFrom, mediaUsesIn } from '../../uploads/media-fields';

const USER = 'plugin::users-permissions.user';
const ROLE = 'plugin::users-permissions.role';

// PUT /users/me edits the profile and nothing else: role, email, confirmation and blocked flags stay the admin's.
const PROFILE_FIELDS = ['fullName', 'bio', 'avatar', 'locale', 'emailNotifications'];
const validateProfileUpdate = validateYupSchema(
  yup
    .object({
      fullName: yup.string().trim().max(120).nullable(),
      bio: yup.string().max(2000).nullable(),
      avatar: yup.number().integer().positive().nullable(),
      locale: yup.string().oneOf([...SUPPORTED_LOCALES]),
      // An email copy of each in-app notification; off unless the user asks for it.
      emailNotifications: yup.boolean(),
    })
    .strict(true)
);

async function roleIdForType(type: string): Promise<number> {
  const role =
    isRoleType(type) && type !== 'public'
      ? await strapi.db.query(ROLE).findOne({ where: { type }, select: ['id'] })
      : null;
  if (!role) {
    throw new errors.ValidationError('Unknown role', {
      errors: [
        { path: ['role'], message: 'role must be one of student, teacher, admin, support', name: 'ValidationError' },
      ],
    });
  }
  return role.id;
}

/**
 * The caller's profile with `role.type`, which the stock /users/me leaves out unless populated. The
 * contract's `locale` is stored as `preferredLocale`: every Strapi 5 table reserves `locale` for i18n.
 */
async function profileOf(ctx: any, userId: number) {
  const user = await strapi.db.query(USER).findOne({ where: { id: userId }, populate: { role: true, avatar: true } });
  const { preferredLocale, ...sanitized } = (await strapi.contentAPI.sanitize.output(user, strapi.getModel(USER), {
    auth: ctx.state.auth,
  })) as Record<string, unknown>;
  return {
    ...sanitized,
    locale: preferredLocale ?? 'en',
    role: user.role ? { type: user.role.type, name: user.role.name } : null,
  };
}

/** Refuses a weak new password with a 400 naming `password`, before the stock action stores anything. */
function assertPasswordAllowed(password: unknown, owner: PasswordOwner) {
  if (password === undefined) return;
  const problem = passwordProblem(password, owner, passwordMinLength());
  if (problem)
    throw new errors.ValidationError(problem, {
      errors: [{ path: ['password'], message: problem, name: 'ValidationError' }],
    });
}

const bodyOf = (ctx: any): Record<string, any> =>
  ctx.request.body && typeof ctx.request.body === 'object' ? ctx.request.body : {};

const isRefreshMode = () =>
  strapi.config.get<string>('plugin::users-permissions.jwtManagement', 'legacy-support') === 'refresh';

/** The refresh token a request carries, where the stock actions look for it: the refresh cookie, else the body. */
function presentedRefreshToken(ctx: any): unknown {
  const cookieName =
    strapi.config.get<{ cookie?: { name?: string } }>('plugin::users-permissions.sessions', {})?.cookie?.name ||
    'strapi_up_refresh';
  return ctx.cookies.get(cookieName) || bodyOf(ctx).refreshToken;
}

/**
 * Session rules the stock auth actions lack (src/access/sessions.ts): a refresh is refused to blocked users and
 * ends the session when its token was already used; logout and revoking a session end the whole session, so every
 * access token of it is refused on its next request.
 */
function withSessionRules(authController: Record<string, (ctx: any, ...rest: any[]) => Promise<unknown>>) {
  const { callback, refresh, logout, revokeSession } = authController;
  authController.callback = async (ctx: any) => {
    const { deviceId } = bodyOf(ctx);
    if (typeof deviceId === 'string' && deviceId.length > MAX_DEVICE_ID_LENGTH) {
      const message = `deviceId must be at most ${MAX_DEVICE_ID_LENGTH} characters`;
      throw new errors.ValidationError(message, { errors: [{ path: ['deviceId'], message, name: 'ValidationError' }] });
    }
    return callback(ctx);
  };
  authController.refresh = async (ctx: any) => {
    const token = presentedRefreshToken(ctx);
    if (isRefreshMode() && typeof token === 'string' && token) await assertRefreshAllowed(strapi, token);
    return refresh(ctx);
  };
  authController.logout = async (ctx: any) => {
    const body = bodyOf(ctx);
    const isWholeDeviceOrAccount =
      body.scope === 'all' || (typeof body.deviceId === 'string' && body.deviceId.length > 0);
    if (isRefreshMode() && ctx.state.user && !isWholeDeviceOrAccount) {
      const token = presentedRefreshToken(ctx);
      const claim = typeof token === 'string' && token ? verifyRefreshToken(strapi, token) : null;
      await endCallerSessions(strapi, String(ctx.state.user.id), [ctx.state.session?.id, claim?.sessionId]);
    }
    return logout(ctx);
  };
  authController.revokeSession = async (ctx: any) => {
    const sessionId = ctx.params?.sessionId;
    if (isRefreshMode() && ctx.state.user && typeof sessionId === 'string') {
      const row = await findSession(strapi, sessionId);
      if (row && String(row.userId) === String(ctx.state.user.id)) {
        await endSessionFamily(strapi, row);
        return ctx.send({ data: {} });
      }
    }
    return revokeSession(ctx);
  };
}

export default (plugin: any) => {
  patchUsersPermissionsServices(plugin);

  // The auth controller is a factory: wrap what it builds.
  const authFactory = plugin.controllers.auth;
  plugin.controllers.auth = (deps: unknown) => {
    const authController = authFactory(deps);
    const withPasswordPolicy = (action: string, ownerOf: (ctx: any) => Promise<PasswordOwner>) => {
      const stock = authController[action];
      authController[action] = async (ctx: any) => {
        const body = bodyOf(ctx);
        if (typeof body.password === 'string') assertPasswordAllowed(body.password, await ownerOf(ctx));
        return stock(ctx);
      };
    };
    withPasswordPolicy('register', async (ctx) => ({ email: bodyOf(ctx).email, username: bodyOf(ctx).username }));
    withPasswordPolicy('resetPassword', async (ctx) => {
      const code = bodyOf(ctx).code;
      if (typeof code !== 'string' || !code) return {};
      return (
        (await strapi.db.query(USER).findOne({ where: { resetPasswordToken: code }, select: ['email', 'username'] })) ??
        {}
      );
    });
    withPasswordPolicy('changePassword', async (ctx) => ({
      email: ctx.state.user?.email,
      username: ctx.state.user?.username,
    }));
    withSessionRules(authController);
    return authController;
  };

  const userController = plugin.controllers.user;
  const stockCreate = userController.create;
  const stockUpdate = userController.update;

  // Admins name roles by type ({ "role": "teacher" }), as the contract says, instead of by database id.
  const roleByTypeName = (stock: (ctx: any) => Promise<unknown>) => async (ctx: any) => {
    const body = ctx.request.body;
    if (body && typeof body === 'object' && typeof body.role === 'string' && !/^\d+$/.test(body.role)) {
      body.role = await roleIdForType(body.role);
    }
    return stock(ctx);
  };
  userController.create = roleByTypeName(async (ctx: any) => {
    const body = bodyOf(ctx);
    assertPasswordAllowed(body.password, { email: body.email, username: body.username });
    return stockCreate(ctx);
  });
  const stockFindOne = userController.findOne;
  userController.findOne = async (ctx: any) => {
    recordIdParam(ctx.params.id);
    await stockFindOne(ctx);
    // The stock action answers an unknown id with an empty 204; the contract says 404.
    if (ctx.body == null) throw new errors.NotFoundError('User not found');
  };
  userController.update = roleByTypeName(async (ctx: any) => {
    recordIdParam(ctx.params.id);
    const body = bodyOf(ctx);
    if (body.password !== undefined && /^\d+$/.test(String(ctx.params.id))) {
      const user = await strapi.db
        .query(USER)
        .findOne({ where: { id: Number(ctx.params.id) }, select: ['email', 'username'] });
      assertPasswordAllowed(body.password, {
        email: body.email ?? user?.email,
        username: body.username ?? user?.username,
      });
    }
    // A role change is audited, and the last admin's demotion or blocking refused, by src/access/admin-accounts.ts
    // in the document service's transaction, as for the content manager and GraphQL.
    return stockUpdate(ctx);
  });

  // Deleting a role moves its users to Public one by one, outside any transaction: in one, so that the last admin
  // check (src/access/admin-accounts.ts) undoes the whole deletion, and every move is audited with it.
  const roleFactory = plugin.services.role;
  plugin.services.role = (deps: unknown) => {
    const roleService = roleFactory(deps);
    const stockDeleteRole = roleService.deleteRole;
    roleService.deleteRole = (...args: unknown[]) =>
      strapi.db.transaction(() => stockDeleteRole.apply(roleService, args));
    return roleService;
  };

  // DELETE /users/:id by an admin is an erasure (src/privacy/erasure.ts), not a row deletion: reviews, comments and
  // certificates keep their place with the name replaced, the rest goes. A malformed id is a 400 before any query.
  userController.destroy = async (ctx: any) => {
    const id = recordIdParam(ctx.params.id);
    const erased = await eraseUser(strapi, id, callerFrom(ctx.state));
    // GraphQL's deleteUsersPermissionsUser runs this controller and answers its body as the user: the account as the
    // erasure left it ("Deleted user", blocked), as REST's answer says it is.
    if (ctx.request?.path === strapi.plugin('graphql')?.config('endpoint')) {
      ctx.body = await strapi.db
        .query('plugin::users-permissions.user')
        .findOne({ where: { id }, select: ['id', 'documentId', 'username', 'email', 'blocked', 'confirmed'] });
      return;
    }
    ctx.body = { data: erased, meta: {} };
  };

  userController.me = async (ctx: any) => {
    if (!ctx.state.user) throw new errors.UnauthorizedError('Missing or invalid credentials');
    ctx.body = await profileOf(ctx, ctx.state.user.id);
  };

  userController.updateMe = async (ctx: any) => {
    if (!ctx.state.user) throw new errors.UnauthorizedError('Missing or invalid credentials');
    const body = ctx.request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new errors.ValidationError('Send the profile fields as a JSON object');
    const notProfile = Object.keys(body).filter((field) => !PROFILE_FIELDS.includes(field));
    if (notProfile.length) {
      throw new errors.ValidationError('Only profile fields can be changed here', {
        errors: notProfile.map((field) => ({
          path: [field],
          message: `${field} cannot be changed here`,
          name: 'ValidationError',
        })),
      });
    }
    const { locale, ...profile } = (await validateProfileUpdate(body)) as Record<string, unknown>;
    if (locale !== undefined) profile.preferredLocale = locale;
    if (profile.avatar != null) {
      const file = await strapi.db
        .query('plugin::upload.file')
        .findOne({ where: { id: profile.avatar }, select: ['id'] });
      if (!file) {
        throw new errors.ValidationError('Unknown avatar file', {
          errors: [{ path: ['avatar'], message: 'No uploaded file has this id', name: 'ValidationError' }],
        });
      }
      // The user row is written by the query engine, past the document service's media checks: the same
      // function here. Keeping the avatar one has (whoever put it there) is not attaching it anew.
      await assertFilesAttachable(
        strapi,
        attachingCallerFrom(ctx.state),
        mediaUsesIn(strapi, USER, { avatar: profile.avatar }),
        async () => {
          const current = await strapi.db
            .query(USER)
            .findOne({ where: { id: ctx.state.user.id }, select: ['id'], populate: { avatar: { select: ['id'] } } });
          return new Set(current?.avatar?.id ? [current.avatar.id] : []);
        }
      );
    }
    // fullName and bio lose any markup in the write itself (src/content/text-policy.ts, database lifecycle).
    await strapi.db.query(USER).update({ where: { id: ctx.state.user.id }, data: profile });
    ctx.body = await profileOf(ctx, ctx.state.user.id);
  };

  // Before the stock PUT /users/:id, which would otherwise take "me" for an id.
  plugin.routes['content-api'].routes.unshift({
    method: 'PUT',
    path: '/users/me',
    handler: 'user.updateMe',
    config: { prefix: '' },
  });

  return plugin;
};
