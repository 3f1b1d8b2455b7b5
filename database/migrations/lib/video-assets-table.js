'use strict';

/**
 * Video assets (src/media): one row per uploaded video file, with its conversion to HLS. `status` runs queued →
 * processing → ready | failed; `generation` counts conversions asked for (a replaced file or a retry asks again), and
 * `output_prefix` names the per-attempt objects of the ready output, so a retry writes beside the served output and
 * never over it. Times are epoch milliseconds (bigint). A table Strapi does not own (schema sync would drop columns it
 * did not create); shared by the migration and by bootstrap; safe to run any number of times.
 */
const VIDEO_ASSETS_TABLE = 'lyceum_video_assets';

async function createVideoAssetsTable(knex, schema) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  if (!(await inSchema().hasTable(VIDEO_ASSETS_TABLE))) {
    await inSchema().createTable(VIDEO_ASSETS_TABLE, (table) => {
      table.increments('id').primary();
      // What the routes name: unguessable, so an id says nothing about other users' videos.
      table.string('public_id', 64).notNullable().unique({ indexName: 'lyceum_video_assets_public_id_unique' });
      // The upload's row (plugin::upload.file): one asset per file.
      table.integer('file_id').notNullable().unique({ indexName: 'lyceum_video_assets_file_id_unique' });
      // The stored bytes converted (the file's hash): a replaced file is converted again.
      table.string('source_hash', 255).notNullable();
      table.string('status', 16).notNullable(); // queued | processing | ready | failed
      table.integer('generation').notNullable().defaultTo(1);
      table.integer('attempts').notNullable().defaultTo(0);
      // While processing: until when the converting worker holds it (a worker that died gives it up).
      table.bigInteger('processing_until').nullable();
      table.string('output_prefix', 128).nullable();
      table.text('outputs').nullable(); // JSON: name → { hash, ext, url, mime, size }
      table.float('duration_seconds').nullable();
      table.text('renditions').nullable(); // JSON: [{ height, width, bandwidth }]
      table.text('error').nullable();
      table.bigInteger('created_at').notNullable();
      table.bigInteger('updated_at').notNullable();
      table.bigInteger('ready_at').nullable();
    });
  }
  const qualified = schema ? `"${schema}"."${VIDEO_ASSETS_TABLE}"` : `"${VIDEO_ASSETS_TABLE}"`;
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_video_assets_status_idx" ON ${qualified} ("status")`);
}

module.exports = { VIDEO_ASSETS_TABLE, createVideoAssetsTable };
