import { factories } from '@strapi/strapi';

// Core REST for API admins only (the permission matrix); the field rules and the code's case-insensitive
// uniqueness run for every write, the content manager's too (commerce's coupon document middleware).
export default factories.createCoreController('api::coupon.coupon');
