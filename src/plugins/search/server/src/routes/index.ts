// Served at the contract's paths (/api/search…) rather than under /api/search/search.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler: `search.${handler}`,
  config: { prefix: '' },
});

export default {
  'content-api': {
    type: 'content-api',
    routes: [route('GET', '/search', 'search'), route('GET', '/search/suggest', 'suggest')],
  },
};
