/**
 * Commerce in the admin panel. Coupons are edited in the content manager; the Orders page comes with the Finance
 * role (issue #22, admin part), so for now the plugin only registers itself.
 */
export default {
  register(app: any) {
    app.registerPlugin({ id: 'commerce', name: 'Commerce' });
  },
};
