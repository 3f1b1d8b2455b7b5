'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { DATA_EXPORTS_TABLE, createDataExportsTable } = require('./lib/data-exports-table');

// Data exports and their zips (src/privacy). Bootstrap makes sure of the table as well.
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createDataExportsTable(knex, ownTableLocation(db, DATA_EXPORTS_TABLE).schema);
  },
};
