import type { Core } from '@strapi/strapi';
import searchController from './controllers/search';
import { ensureSearchTables } from './index-store';
import { followWrites } from './indexing';
import routes from './routes';
import { defineSearchType } from './search-types';
import search from './services/search';
import { articleSearch } from './types/articles';
import { courseSearch } from './types/courses';
import { lessonSearch } from './types/lessons';

// The kinds search finds today; posts and tutors register theirs through the facade when their plugins land.
defineSearchType(courseSearch);
defineSearchType(lessonSearch);
defineSearchType(articleSearch);

export default {
  services: { search },
  controllers: { search: searchController },
  routes,
  register({ strapi }: { strapi: Core.Strapi }) {
    followWrites(strapi);
  },
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureSearchTables(strapi);
  },
};
