'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { CREDENTIALS_TABLE, createCredentialsTable } = require('./lib/credentials-table');

// The signed credentials of certificates (src/plugins/certificates). Bootstrap makes sure of the table as well, so a
// database the migration never saw still gets it. The schema comes from the one table helper.
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createCredentialsTable(knex, ownTableLocation(db, CREDENTIALS_TABLE).schema);
  },
};
