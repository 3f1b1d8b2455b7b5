// Reads a blog front end needs beyond the core list: an article by its slug, and articles related by tags.
export default {
  routes: [
    {
      method: 'GET',
      path: '/articles/by-slug/:slug',
      handler: 'api::article.article.findBySlug',
      config: { policies: [] },
    },
    {
      method: 'GET',
      path: '/articles/:documentId/related',
      handler: 'api::article.article.related',
      config: { policies: [] },
    },
  ],
};
