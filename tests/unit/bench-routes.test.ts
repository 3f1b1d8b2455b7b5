// src/api/course/routes/bench-stock.ts decides when Strapi loads it: only the bench's explicit switch registers
// the stock catalog route, whatever NODE_ENV says (the bench itself runs the server with NODE_ENV=production).
const routesWith = (env: Record<string, string | undefined>) => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  try {
    let routes: unknown[] = [];
    jest.isolateModules(() => {
      routes = require('../../src/api/course/routes/bench-stock').default.routes;
    });
    return routes;
  } finally {
    process.env = saved;
  }
};

describe('bench-only routes', () => {
  it('are absent without LYCEUM_BENCH_STOCK_CATALOG, in production as elsewhere', () => {
    expect(routesWith({ LYCEUM_BENCH_STOCK_CATALOG: undefined, NODE_ENV: 'production' })).toEqual([]);
    expect(routesWith({ LYCEUM_BENCH_STOCK_CATALOG: undefined, NODE_ENV: 'development' })).toEqual([]);
    for (const value of ['', 'false', '1', 'TRUE', 'yes'])
      expect(routesWith({ LYCEUM_BENCH_STOCK_CATALOG: value, NODE_ENV: 'production' })).toEqual([]);
  });

  it('are served only when the bench sets the switch', () => {
    expect(routesWith({ LYCEUM_BENCH_STOCK_CATALOG: 'true', NODE_ENV: 'production' })).toEqual([
      { method: 'GET', path: '/bench-stock/courses', handler: 'api::course.course.stockFind', config: { auth: false } },
    ]);
  });
});
