import type { RouteDescription } from '../route-description';
import { anyObject, array, dateTime, documentId, envelope, integer, nullable, object, oneOf, string } from '../schema';
import { SUPPORTED_LOCALES } from '../../content/locales';

const LOCALE = oneOf(...SUPPORTED_LOCALES);

const media = nullable(object({ url: string(), mime: string() }, ['mime']));

const seo = nullable(
  object(
    {
      metaTitle: nullable(string({ maxLength: 70 })),
      metaDescription: nullable(string({ maxLength: 170 })),
      canonicalURL: nullable(string()),
      shareImage: media,
      keywords: nullable(string()),
    },
    ['metaTitle', 'metaDescription', 'canonicalURL', 'shareImage', 'keywords']
  )
);

const article = object(
  {
    documentId: documentId(),
    title: string(),
    slug: string(),
    excerpt: nullable(string()),
    body: nullable(string()),
    locale: LOCALE,
    readingMinutes: integer({ minimum: 1 }),
    publishedAt: dateTime(),
    publishAt: nullable(dateTime()),
    cover: media,
    author: nullable(object({ name: string(), bio: nullable(string()), avatar: media }, ['bio', 'avatar'])),
    category: nullable(object({ documentId: documentId(), name: string() }, ['name'])),
    tags: array(object({ documentId: documentId(), name: string() })),
    seo,
  },
  ['excerpt', 'body', 'publishAt', 'cover', 'author', 'category']
);

export const blogRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/articles/by-slug/:slug',
    tag: 'Blog',
    audience: 'public',
    summary: 'A published article by its slug in a locale (default en), with SEO block, author, category and tags',
    query: { locale: LOCALE },
    status: 200,
    response: envelope(article),
  },
  {
    method: 'GET',
    path: '/articles/:documentId/related',
    tag: 'Blog',
    audience: 'public',
    summary: 'Published articles of the same locale sharing tags with this one, most shared tags first',
    query: { locale: LOCALE, limit: integer({ minimum: 1, maximum: 20, default: 3 }) },
    status: 200,
    response: envelope(
      array({
        ...article,
        properties: { ...(article.properties as object), sharedTags: integer({ minimum: 1 }) },
        required: [...(article.required as string[]), 'sharedTags'],
      }),
      anyObject()
    ),
  },
];
