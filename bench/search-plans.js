#!/usr/bin/env node
'use strict';
/**
 * Fills a scratch PostgreSQL database with a search index of realistic size (course, lesson, article and post
 * titles in English and Russian, as the search plugin writes them) so the statements of GET /search and
 * GET /search/suggest can be read with EXPLAIN ANALYZE without seeding a whole platform:
 *
 *   node bench/search-plans.js --rows=300000 [--database=lyceum_search_plans] [--keep]
 *
 * The tables are made by database/migrations/lib/search-table.js (as the migration and start-up make them); the
 * rows as index-store.ts writes them (`russian` tsvector, title weighted A, `simple` title words, the words table).
 * It prints the database's name; `psql -d <name>` then reads plans. Not part of the bench's run: a tool for the
 * search plugin's query plans (README, "Search").
 */
const { Client } = require('pg');
const knexFactory = require('knex');
const { createSearchTables } = require('../database/migrations/lib/search-table');

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? true];
  })
);
const ROWS = Number(args.rows ?? 300000);
const DATABASE = String(args.database ?? 'lyceum_search_plans');
const connection = {
  host: process.env.DATABASE_HOST ?? '127.0.0.1',
  port: Number(process.env.DATABASE_PORT ?? 5432),
  user: process.env.DATABASE_USERNAME ?? 'postgres',
  password: process.env.DATABASE_PASSWORD ?? '',
};

// Words for titles that read like a catalog's, in both languages (Russian in several grammatical forms).
const EN_TOPICS = [
  'Python',
  'TypeScript',
  'JavaScript',
  'React',
  'PostgreSQL',
  'Kubernetes',
  'Docker',
  'Linux',
  'Rust',
  'Go',
  'Machine Learning',
  'Data Science',
  'Statistics',
  'Algebra',
  'Calculus',
  'Physics',
  'Chemistry',
  'Biology',
  'Photography',
  'Drawing',
  'Guitar',
  'Piano',
  'Marketing',
  'Accounting',
  'Negotiation',
  'Writing',
  'Design',
  'Networking',
  'Security',
  'Testing',
  'Generics',
  'Databases',
  'Algorithms',
  'Compilers',
  'Economics',
  'History',
];
const EN_FORMS = [
  (topic) => `Introduction to ${topic}`,
  (topic) => `${topic} for beginners`,
  (topic) => `Advanced ${topic}`,
  (topic) => `Practical ${topic} running in production`,
  (topic) => `Learning ${topic} step by step`,
  (topic) => `${topic} in depth`,
  (topic) => `Mastering ${topic}: patterns and practice`,
];
const RU_TOPICS = [
  'программирования',
  'математики',
  'физики',
  'химии',
  'биологии',
  'истории',
  'литературы',
  'экономики',
  'дизайна',
  'маркетинга',
  'фотографии',
  'рисования',
  'музыки',
  'статистики',
  'алгоритмов',
  'баз данных',
  'машинного обучения',
  'сетей',
  'безопасности',
  'тестирования',
  'английского языка',
  'русского языка',
];
const RU_FORMS = [
  (topic) => `Основы ${topic}`,
  (topic) => `Курс ${topic} для начинающих`,
  (topic) => `Курсы ${topic} онлайн`,
  (topic) => `Практикум ${topic}`,
  (topic) => `Введение в мир ${topic}`,
  (topic) => `Углублённый курс ${topic}`,
  (topic) => `Задачи и решения: ${topic}`,
];
const RU_LESSON = ['Урок', 'Занятие', 'Лекция', 'Практика'];

/** The i-th document: a spread like the bench's (one course per ten lessons, posts, a few articles), half Russian. */
function documentAt(index) {
  const block = Math.floor(index / 12);
  const slot = index % 12;
  const russian = block % 2 === 1;
  const pick = (list, salt) => list[(block * 7 + salt * 13) % list.length];
  const topic = russian ? pick(RU_TOPICS, 1) : pick(EN_TOPICS, 1);
  const form = russian ? pick(RU_FORMS, 2) : pick(EN_FORMS, 2);
  const courseTitle = block % 4 === 0 ? `Course ${String(block).padStart(6, '0')}` : `${form(topic)} ${block}`;
  const locale = russian ? 'ru' : 'en';
  const common = {
    locale,
    category: `category-${block % 12}`,
    level: ['beginner', 'intermediate', 'advanced'][block % 3],
  };
  if (slot === 0)
    return {
      ...common,
      type: 'course',
      title: courseTitle,
      body: russian
        ? `Чему учит курс ${block}: ${topic} на примерах. `.repeat(10)
        : `What course ${block} teaches, in one line. Course ${block} in depth. `.repeat(10),
      price: block % 5 === 0 ? 'paid' : 'free',
    };
  if (slot <= 9)
    return {
      ...common,
      type: 'lesson',
      title: russian
        ? `${RU_LESSON[slot % RU_LESSON.length]} ${slot}. ${pick(RU_TOPICS, slot)}`
        : `Lesson ${slot} of course ${block}`,
      body: '',
      price: block % 5 === 0 ? 'paid' : 'free',
    };
  if (slot === 10)
    return {
      type: 'post',
      locale: '',
      category: null,
      level: null,
      price: null,
      title: russian ? `Заметка ${block} о ${pick(RU_TOPICS, 3)}` : `Post ${block}: notes on ${pick(EN_TOPICS, 3)}`,
      body: russian ? `Мои заметки о курсах ${topic}. `.repeat(5) : `My notes on running ${topic} courses. `.repeat(5),
    };
  return {
    ...common,
    type: 'article',
    level: null,
    price: null,
    title: russian ? `Статья ${block}: ${topic}` : `Article ${block} about ${topic}`,
    body: russian ? `Статья о курсах и обучении. `.repeat(60) : 'A paragraph of an article about learning. '.repeat(60),
  };
}

const wordsOf = (text) =>
  text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .match(/[\p{L}\p{N}]+/gu) ?? [];

async function main() {
  const admin = new Client({ ...connection, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}"`);
  await admin.query(`CREATE DATABASE "${DATABASE}"`);
  await admin.end();
  const knex = knexFactory({ client: 'pg', connection: { ...connection, database: DATABASE } });
  await createSearchTables(knex, null, console.warn);
  const started = Date.now();
  const BATCH = 5000;
  for (let from = 0; from < ROWS; from += BATCH) {
    const documents = Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, offset) => documentAt(from + offset));
    const column = (name) => documents.map((document, offset) => (name === 'id' ? from + offset : document[name]));
    await knex.raw(
      `INSERT INTO lyceum_search_documents
         ("type", "document_id", "locale", "title", "body", "url", "category", "level", "price", "course_document_id",
          "published_at", "search_vector", "title_words")
       SELECT v.type, 'doc' || v.n, v.locale, v.title, v.body, '/x/' || v.n, v.category, v.level, v.price,
              'course' || (v.n / 12), 1700000000000 + v.n,
              setweight(to_tsvector('russian', v.title), 'A') || setweight(to_tsvector('russian', v.body), 'B'),
              to_tsvector('simple', v.words)
       FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
         AS v(n, type, locale, title, body, category, level, price, words)`,
      [
        column('id'),
        column('type'),
        column('locale'),
        column('title'),
        column('body'),
        column('category'),
        column('level'),
        column('price'),
        documents.map((document) => wordsOf(document.title).join(' ')),
      ]
    );
    // The title terms of the rows just written, as index-store.ts's recordTitleTerms writes them.
    await knex.raw(
      `INSERT INTO lyceum_search_title_terms ("term", "title_length", "document_row", "type", "locale")
       SELECT DISTINCT t."term", length(d."title"), d."id", d."type", d."locale"
       FROM lyceum_search_documents d CROSS JOIN LATERAL unnest(tsvector_to_array(d."title_words")) AS t("term")
       WHERE d."document_id" = ANY(?::text[])`,
      [column('id').map((n) => `doc${n}`)]
    );
    const words = [...new Set(documents.flatMap((document) => wordsOf(document.title)))];
    await knex.raw('INSERT INTO lyceum_search_words ("word") SELECT unnest(?::text[]) ON CONFLICT DO NOTHING', [words]);
    if ((from / BATCH) % 20 === 0)
      console.log(`${from + documents.length} rows (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await knex.raw('VACUUM ANALYZE lyceum_search_documents');
  await knex.raw('VACUUM ANALYZE lyceum_search_words');
  await knex.raw('VACUUM ANALYZE lyceum_search_title_terms');
  const [{ count }] = (await knex.raw('SELECT COUNT(*) AS count FROM lyceum_search_words')).rows;
  console.log(
    `${ROWS} documents, ${count} distinct title words in ${DATABASE} (${Math.round((Date.now() - started) / 1000)} s)`
  );
  await knex.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
