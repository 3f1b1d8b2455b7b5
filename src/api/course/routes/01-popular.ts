// Before the core router (course.ts): Strapi matches routes in file order, and `/courses/:id` would take
// `/courses/popular` for a course whose documentId is "popular".
export default {
  routes: [
    {
      method: 'GET',
      path: '/courses/popular',
      handler: 'api::course.course.popular',
      config: { policies: [] },
    },
  ],
};
