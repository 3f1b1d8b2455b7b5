'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { SEARCH_TABLE, createSearchTables } = require('./lib/search-table');

// The search index's tables (src/plugins/search). Bootstrap makes sure of them as well, so a database the migration
// never saw still gets them; `npm run search:reindex` fills them. The schema comes from the one table helper.
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createSearchTables(knex, ownTableLocation(db, SEARCH_TABLE).schema, (message) => strapi.log.warn(message));
  },
};
