import { answerRefusals } from '../errors/rest';

/** Refusals (src/errors) answered in Strapi's error shape with their own status: see src/errors/rest.ts. */
export default () => answerRefusals;
