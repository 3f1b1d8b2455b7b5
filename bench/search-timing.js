#!/usr/bin/env node
'use strict';
/**
 * Times GET /search's and GET /search/suggest's service calls in-process (no HTTP, one caller) against a database
 * filled by bench/search-plans.js, with the bench's queries and a few Russian ones:
 *
 *   DATABASE_CLIENT=postgres DATABASE_NAME=lyceum_search_plans node bench/search-timing.js [--rounds=20]
 *
 * Prints per query the median and the slowest round in ms and how many statements one call ran. A tool for the
 * search plugin's work (README, "Search"), not a bench row: one caller measures the statements, not throughput.
 */
const path = require('path');
const { root, prepareApp } = require('../scripts/lib');
const { SEARCH_QUERIES, SUGGEST_QUERIES } = require('./scenarios');

Object.assign(process.env, prepareApp(), { JOBS_WORKER: 'false', CRON_ENABLED: 'false', LYCEUM_DEMO_DATA: 'false' });
const { createStrapi } = require('@strapi/strapi');

const rounds = Number((process.argv.find((arg) => arg.startsWith('--rounds=')) ?? '--rounds=20').split('=')[1]);
const TYPES = ['course', 'lesson', 'article', 'post'];
// The bench's own queries (bench/scenarios.js), and a few Russian ones the bench's English seed does not have.
const SEARCHES = [...SEARCH_QUERIES, 'курсы', 'основы программирования'];
const SUGGESTIONS = [...SUGGEST_QUERIES, 'курс', 'програмирования', 'py', 'python for be'];

async function main() {
  const app = createStrapi({ appDir: root, distDir: path.join(root, 'dist') });
  app.log.level = 'error';
  const strapi = await app.load();
  const service = strapi.plugin('search').service('search');
  let statements = 0;
  strapi.db.connection.on('query', () => (statements += 1));
  const time = async (label, call) => {
    const took = [];
    let perCall = 0;
    let answer;
    for (let round = 0; round < rounds; round += 1) {
      const before = statements;
      const started = process.hrtime.bigint();
      answer = await call();
      took.push(Number(process.hrtime.bigint() - started) / 1e6);
      perCall = statements - before;
    }
    took.sort((a, b) => a - b);
    const size = Array.isArray(answer) ? answer.length : answer.total;
    console.log(
      `${label.padEnd(40)} median ${took[Math.floor(took.length / 2)].toFixed(1).padStart(7)} ms, max ${took[took.length - 1].toFixed(1).padStart(7)} ms, ${perCall} statements, ${Array.isArray(answer) ? 'suggestions' : 'total'} ${size}`
    );
  };
  for (const q of SEARCHES)
    await time(`search ${q}`, () =>
      service.search({
        q,
        types: TYPES,
        locale: null,
        category: null,
        level: null,
        price: null,
        ratingMin: null,
        sort: 'relevance',
        page: 1,
        pageSize: 10,
      })
    );
  for (const q of SUGGESTIONS) await time(`suggest ${q}`, () => service.suggest({ q, types: TYPES, locale: null }));
  await strapi.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
