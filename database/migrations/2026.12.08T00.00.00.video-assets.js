'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { VIDEO_ASSETS_TABLE, createVideoAssetsTable } = require('./lib/video-assets-table');

// Video assets and their conversion (src/media). Bootstrap makes sure of the table as well.
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createVideoAssetsTable(knex, ownTableLocation(db, VIDEO_ASSETS_TABLE).schema);
  },
};
