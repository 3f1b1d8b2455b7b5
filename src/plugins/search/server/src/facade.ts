/**
 * What the search plugin offers the rest of Lyceum: the only file imported from outside it
 * (tests/unit/module-boundaries.test.ts). Search depends on no other plugin: it reads the content types of src/api.
 * A plugin whose content should be found (posts, tutors) defines its kind with `defineSearchType`: how to make the
 * visible documents of its entries, and which writes change them.
 */
export {
  defineSearchType,
  searchTypeNames,
  type SearchDocument,
  type SearchFollow,
  type SearchType,
} from './search-types';
export { rebuildIndex, indexEntries, type RebuildProgress } from './indexing';
export { ensureSearchTables, countIndexed } from './index-store';
