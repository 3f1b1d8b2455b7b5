'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { createQueryIndexes } = require('./lib/query-indexes');

// Existing databases get the indexes here; fresh ones (no tables yet) get them from bootstrap. Table names come
// from the one table helper (src/database/tables.ts), built into dist/ before Strapi runs migrations.
module.exports = {
  async up(knex, db) {
    const { tableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createQueryIndexes(knex, (uid) => tableLocation(db, uid));
  },
};
