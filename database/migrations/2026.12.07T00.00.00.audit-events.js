'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { AUDIT_TABLE, createAuditTable } = require('./lib/audit-table');

// The audit trail (src/audit), append-only by trigger. Bootstrap makes sure of it as well, so a database the migration
// never saw still gets it. The schema comes from the one table helper (src/database/tables.ts).
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createAuditTable(knex, ownTableLocation(db, AUDIT_TABLE).schema);
  },
};
