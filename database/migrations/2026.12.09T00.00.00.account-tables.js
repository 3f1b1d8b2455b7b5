'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { SESSION_DETAILS_TABLE, createAccountTables } = require('./lib/account-tables');

// Session details, account settings and push subscriptions (src/plugins/account). Bootstrap makes sure of them too.
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createAccountTables(knex, ownTableLocation(db, SESSION_DETAILS_TABLE).schema);
  },
};
