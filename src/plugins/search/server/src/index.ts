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
import { postSearch } from './types/posts';

// The kinds search finds today; tutors register theirs through the facade when their plugin lands.
defineSearchType(courseSearch);
defineSearchType(lessonSearch);
defineSearchType(articleSearch);
defineSearchType(postSearch);

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
