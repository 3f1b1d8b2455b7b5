// Only when `npm run bench -- --compare` asks for it: the catalog through Strapi's stock core controller, so the
// cost of Lyceum's own course controller is a measured ratio. Never registered otherwise.
const isComparing = process.env.LYCEUM_BENCH_STOCK_CATALOG === 'true';

export default {
  routes: isComparing
    ? [
        {
          method: 'GET',
          path: '/bench-stock/courses',
          handler: 'api::course.course.stockFind',
          config: { auth: false },
        },
      ]
    : [],
};
