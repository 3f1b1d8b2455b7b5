import type { RouteDescription } from '../route-description';
import { boolean, body, dateTime, envelope, integer, listEnvelope, nullable, object, oneOf, string } from '../schema';

const session = object({
  id: string({ minLength: 1, maxLength: 64 }),
  userAgent: nullable(string()),
  ip: nullable(string()),
  createdAt: dateTime(),
  lastUsedAt: dateTime(),
  current: boolean(),
});
const channels = object({ inApp: boolean(), email: boolean(), push: boolean() }, ['inApp', 'email', 'push']);
const privacy = object(
  {
    profileVisibility: oneOf('public', 'members', 'private'),
    allowMessagesFrom: oneOf('everyone', 'contacts', 'nobody'),
  },
  ['profileVisibility', 'allowMessagesFrom']
);
const settings = object({
  notifications: {
    type: 'object',
    description: 'One entry per notification kind (`grade_posted`, `new_message`…)',
    additionalProperties: channels,
  },
  privacy,
});
const subscription = object({ endpoint: string({ maxLength: 2048 }), createdAt: dateTime() });

export const accountRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/me/sessions',
    tag: 'Account',
    audience: 'signed in',
    summary:
      'The caller’s live sign-in sessions (one per login, kept across refreshes): user agent and IP at sign-in, when ' +
      'created and last used (written at most once a minute), and which one this request came with',
    status: 200,
    response: listEnvelope(session),
  },
  {
    method: 'DELETE',
    path: '/me/sessions/:id',
    tag: 'Account',
    audience: 'signed in',
    summary:
      'Ends one of the caller’s sessions (another user’s or an unknown id: 404): its refresh token and its access ' +
      'tokens are refused at once, on every instance',
    status: 200,
    response: envelope(object({ id: string(), revoked: { type: 'boolean', enum: [true] } })),
  },
  {
    method: 'DELETE',
    path: '/me/sessions',
    tag: 'Account',
    audience: 'signed in',
    summary: 'Ends every session of the caller but the one this request came with',
    status: 200,
    response: envelope(object({ revoked: integer({ minimum: 0 }) })),
  },
  {
    method: 'GET',
    path: '/me/settings',
    tag: 'Account',
    audience: 'signed in',
    summary:
      'The caller’s settings, defaults filled in: each notification kind in the app and as push, by email as the ' +
      'profile’s `emailNotifications` says; profile `public`, messages from `contacts`',
    status: 200,
    response: envelope(settings),
  },
  {
    method: 'PUT',
    path: '/me/settings',
    tag: 'Account',
    audience: 'signed in',
    summary:
      'Merges into the stored settings (what the body leaves out keeps its value); an unknown kind, channel or value ' +
      'is a 400 naming it, and nothing is stored',
    requestBody: object({ notifications: { type: 'object', additionalProperties: channels }, privacy }, [
      'notifications',
      'privacy',
    ]),
    status: 200,
    response: envelope(settings),
  },
  {
    method: 'GET',
    path: '/push/public-key',
    tag: 'Account',
    audience: 'public',
    summary: 'The VAPID public key browsers subscribe with (`applicationServerKey`)',
    status: 200,
    response: envelope(object({ publicKey: string() })),
    refusals: [{ status: 503, reasons: ['push_not_configured'] }],
  },
  {
    method: 'POST',
    path: '/me/push-subscriptions',
    tag: 'Account',
    audience: 'signed in',
    summary:
      'Stores the browser’s push subscription (an https endpoint, a 65-byte P-256 `p256dh` and a 16-byte `auth`, ' +
      'base64url); one per device: the same endpoint again updates it, for the user who sent it',
    requestBody: body(
      {
        endpoint: string({ maxLength: 2048 }),
        keys: object({ p256dh: string(), auth: string() }),
        expirationTime: nullable(integer()),
      },
      ['expirationTime']
    ),
    status: 201,
    response: envelope(subscription),
  },
  {
    method: 'DELETE',
    path: '/me/push-subscriptions',
    tag: 'Account',
    audience: 'signed in',
    summary: 'Removes the caller’s subscription of `endpoint` (404 when the caller has none)',
    query: { endpoint: string({ maxLength: 2048 }) },
    status: 200,
    response: envelope(object({ endpoint: string(), removed: { type: 'boolean', enum: [true] } })),
  },
];
