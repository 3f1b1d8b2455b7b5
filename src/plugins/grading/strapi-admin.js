// The grading plugin's admin-panel part (React, TypeScript under admin/src): the Grading queue page and the quiz
// preview in the content manager. `strapi build` bundles it with the admin panel; the server never loads it.
export { default } from './admin/src';
