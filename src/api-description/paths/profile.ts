import type { RouteDescription } from '../route-description';
import { body, boolean, documentId, integer, nullable, object, oneOf, string } from '../schema';
import { SUPPORTED_LOCALES } from '../../content/locales';

const profile = object(
  {
    id: integer(),
    documentId: documentId(),
    username: string(),
    email: string(),
    fullName: nullable(string()),
    bio: nullable(string()),
    avatar: nullable(object({ url: string() }, [])),
    locale: oneOf(...SUPPORTED_LOCALES),
    role: nullable(object({ type: oneOf('student', 'teacher', 'admin'), name: string() })),
    emailNotifications: nullable(boolean()),
  },
  ['fullName', 'bio', 'avatar', 'emailNotifications']
);

export const profileRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/users/me',
    tag: 'Profile',
    audience: 'signed in',
    summary: "The caller's profile with role type",
    status: 200,
    response: profile,
  },
  {
    method: 'PUT',
    path: '/users/me',
    tag: 'Profile',
    audience: 'signed in',
    summary: 'Update profile fields only; any other field is refused with 400',
    requestBody: body(
      {
        fullName: nullable(string({ maxLength: 120 })),
        bio: nullable(string({ maxLength: 5000 })),
        avatar: nullable(integer()),
        locale: oneOf(...SUPPORTED_LOCALES),
        emailNotifications: boolean(),
      },
      ['fullName', 'bio', 'avatar', 'locale', 'emailNotifications']
    ),
    status: 200,
    response: profile,
  },
];
