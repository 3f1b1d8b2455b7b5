'use strict';

/**
 * Signed Open Badges credentials of certificates (src/plugins/certificates/server/src/credentials): one row per
 * certificate, in a table Strapi does not own, so its schema sync never drops a column or index of it. The row is
 * made first (its id places the credential's revocation bit), then filled with the signed credential. Times are
 * epoch milliseconds. Shared by the migration and by bootstrap; safe to run any number of times.
 */
const CREDENTIALS_TABLE = 'lyceum_certificate_credentials';

async function createCredentialsTable(knex, schema) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  if (!(await inSchema().hasTable(CREDENTIALS_TABLE))) {
    await inSchema().createTable(CREDENTIALS_TABLE, (table) => {
      table.increments('id').primary();
      table.integer('certificate_id').notNullable();
      // Where its revocation bit lives: the Bitstring Status List and the index in it.
      table.integer('list_id').nullable();
      table.integer('list_index').nullable();
      // The signed credential as served (JSON text) and the SHA-256 of that text (its ETag).
      table.text('credential').nullable();
      table.string('digest', 64).nullable();
      table.string('verification_method', 500).nullable();
      table.bigInteger('created_at').notNullable();
      table.bigInteger('signed_at').nullable();
      table.unique(['certificate_id'], { indexName: 'lyceum_certificate_credentials_certificate_unique' });
      table.unique(['list_id', 'list_index'], { indexName: 'lyceum_certificate_credentials_status_unique' });
    });
  }
}

module.exports = { CREDENTIALS_TABLE, createCredentialsTable };
