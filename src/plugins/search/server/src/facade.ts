/**
 * What the search plugin offers the rest of Lyceum: the only file imported from outside it
 * (tests/unit/module-boundaries.test.ts). Search depends on no other plugin: it reads the content types of src/api.
 * A plugin whose content should be found (posts, tutors) defines its kind with `defineSearchType`: how to make the
 * visible documents of its entries, and which writes change them. A plugin that changes what is visible past the
 * document service (a fixed statement) calls `indexAfterWrite` in that write's transaction.
 */
export {
  defineSearchType,
  searchTypeNames,
  type SearchDocument,
  type SearchFollow,
  type SearchType,
} from './search-types';
export { rebuildIndex, indexEntries, indexAfterWrite, type RebuildProgress } from './indexing';
export { ensureSearchTables, countIndexed, settleIndex } from './index-store';
export { findDocumentIds, FIND_DOCUMENTS_MAX } from './find-documents';
/** The locale of a document that has none (a post, a tutor): every `locale` filter takes it. */
export { ANY_LOCALE } from './types/posts';
export { plainText } from './rules/text';
