import type { Core } from '@strapi/strapi';
import type { PriceClass } from './rules/search-request';

/**
 * The kinds of things search finds. Each kind says how to make its index documents from the current state of its
 * content (visible versions only: an unpublished, hidden or private entry gives none), so indexing is always "make the
 * documents of this entry again" and a repeated or late run does no harm. New kinds (posts, tutors) register here
 * through the facade (`defineSearchType`); search needs no other change.
 */

/** One row of the index: a visible document in one locale. */
export interface SearchDocument {
  type: string;
  documentId: string;
  locale: string;
  title: string;
  /** Plain text (no markup): what is searched besides the title, and where the snippet comes from. */
  body: string;
  /** Where a frontend shows the document, relative to its root (`/courses/<slug>`). */
  url: string;
  /** The slug of its category (facet), or null. */
  category: string | null;
  level: string | null;
  price: PriceClass | null;
  /** The course it belongs to (itself for a course): rating and popularity come from there. */
  courseDocumentId: string | null;
  /** Epoch ms: `sort=newest`. */
  publishedAt: number;
}

/** A write to another content type that changes documents of this kind (a course's lessons when it is unpublished). */
export interface SearchFollow {
  uid: string;
  /** The documentIds of this kind to index again after a write to `uid`'s `documentId`. */
  documentIds(strapi: Core.Strapi, documentId: string): Promise<string[]>;
}

export interface SearchType {
  /** The `type` of its hits (`course`, `lesson`, `article`, later `post`, `tutor`). */
  type: string;
  /** The content type whose entries it indexes. */
  uid: string;
  /** The visible documents of these entries, every locale; an entry with no visible version gives none. */
  load(strapi: Core.Strapi, documentIds: string[]): Promise<SearchDocument[]>;
  /** For a full rebuild: documentIds of entries that may be visible, in order, after `after` (null: from the start). */
  candidates(strapi: Core.Strapi, after: string | null, limit: number): Promise<string[]>;
  /** How many entries `candidates` walks through (for the rebuild's progress bar). */
  countCandidates(strapi: Core.Strapi): Promise<number>;
  follows?: SearchFollow[];
}

const registry = new Map<string, SearchType>();

export function defineSearchType(kind: SearchType): void {
  if (registry.has(kind.type)) throw new Error(`search type ${kind.type} is defined twice`);
  registry.set(kind.type, kind);
}

export const searchTypes = (): SearchType[] => [...registry.values()];
export const searchTypeNames = (): string[] => [...registry.keys()];

/** Every content type whose writes the index follows. */
export const watchedUids = (): Set<string> =>
  new Set(searchTypes().flatMap((kind) => [kind.uid, ...(kind.follows ?? []).map((follow) => follow.uid)]));
