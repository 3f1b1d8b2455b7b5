'use strict';
/* global strapi -- Strapi's migration runner runs this file inside the app, where `strapi` is a global */

const path = require('path');
const { JOBS_TABLE, createJobsTable } = require('./lib/jobs-table');

// The job runner's outbox (src/jobs). Bootstrap makes sure of it as well (src/jobs/runner.ts), so a database the
// migration never saw still gets it. The schema comes from the one table helper (src/database/tables.ts).
module.exports = {
  async up(knex, db) {
    const { ownTableLocation } = require(path.join(strapi.dirs.dist.src, 'database', 'tables'));
    await createJobsTable(knex, ownTableLocation(db, JOBS_TABLE).schema);
  },
};
