import type { Core } from '@strapi/strapi';

/**
 * The one place enrollment asks whether a paid course was paid for. Lyceum has no order model yet, so
 * no order can exist and paid courses refuse self-enrollment (staff can still place students); the
 * payments feature answers here when it lands.
 */
export default (_context: { strapi: Core.Strapi }) => ({
  async hasPaidOrder(_userId: number, _courseDocumentId: string): Promise<boolean> {
    return false;
  },
});
