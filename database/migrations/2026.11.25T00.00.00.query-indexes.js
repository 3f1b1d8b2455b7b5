'use strict';

const { createQueryIndexes } = require('./lib/query-indexes');

// Existing databases get the indexes here; fresh ones (no tables yet) get them from bootstrap.
module.exports = {
  async up(knex) {
    await createQueryIndexes(knex);
  },
};
