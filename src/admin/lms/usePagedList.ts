import { useFetchClient } from '@strapi/strapi/admin';
import * as React from 'react';
import { errorMessage } from './errors';
import type { Pagination } from './types';

export interface AdminData<T> {
  /** The answer to the current query; kept while the same query reloads, null while another one loads. */
  data: T | null;
  isLoading: boolean;
  /** Why the last load failed (the server's message), or null. */
  error: string | null;
  reload: () => void;
}

type Params = Record<string, unknown>;

/**
 * GET an admin route and follow its answer. `url: null` loads nothing (e.g. no course picked yet). An answer that
 * arrives after the page has asked something else is dropped, so a slow first request cannot overwrite a later one.
 */
export function useAdminData<T>(url: string | null, params?: Params, failure = 'Could not load'): AdminData<T> {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<Omit<AdminData<T>, 'reload'>>({
    data: null,
    isLoading: url !== null,
    error: null,
  });
  const [reloads, setReloads] = React.useState(0);
  const query = JSON.stringify([url, params ?? null]);
  const lastQuery = React.useRef<string | null>(null);

  React.useEffect(() => {
    const isReload = lastQuery.current === query;
    lastQuery.current = query;
    if (url === null) {
      setState({ data: null, isLoading: false, error: null });
      return;
    }
    let isCurrent = true;
    setState((previous) => ({ data: isReload ? previous.data : null, isLoading: true, error: null }));
    get<T>(url, params ? { params } : undefined)
      .then(({ data }) => isCurrent && setState({ data, isLoading: false, error: null }))
      .catch((error) => isCurrent && setState({ data: null, isLoading: false, error: errorMessage(error, failure) }));
    return () => {
      isCurrent = false;
    };
  }, [query, reloads]);

  const reload = React.useCallback(() => setReloads((count) => count + 1), []);
  return { ...state, reload };
}

export interface PagedList<Row> {
  /** The rows of the current page, or null until they arrive. */
  rows: Row[] | null;
  pagination: Pagination | null;
  page: number;
  setPage: (page: number) => void;
  isLoading: boolean;
  error: string | null;
  reload: () => void;
}

interface PagedListOptions {
  /** Query parameters other than the page (a course, search criteria); a change returns to page 1. */
  filters?: Params;
  pageSize?: number;
  /**
   * How the route reads the page: `pagination[page]=` (Strapi's convention, the default) or `page=` (the grading
   * queue's route).
   */
  pageParams?: 'pagination' | 'flat';
  /** A page kept elsewhere (e.g. in the URL, so "back" returns to it); by default the hook keeps it. */
  page?: number;
  onPageChange?: (page: number) => void;
  failure?: string;
}

/** A paged list from an admin route answering `{ data: Row[], meta: { pagination } }`. */
export function usePagedList<Row>(url: string | null, options: PagedListOptions = {}): PagedList<Row> {
  const { filters = {}, pageSize = 20, pageParams = 'pagination', failure } = options;
  // The page belongs to the query it was chosen for: another course or search starts again at page 1, without first
  // asking the server for the old page number.
  const query = JSON.stringify([url, filters]);
  const [own, setOwn] = React.useState({ query, page: 1 });
  const page = options.page ?? (own.query === query ? own.page : 1);
  const setPage = options.onPageChange ?? ((next: number) => setOwn({ query, page: next }));

  const params =
    pageParams === 'pagination' ? { ...filters, pagination: { page, pageSize } } : { ...filters, page, pageSize };
  const { data, isLoading, error, reload } = useAdminData<{ data: Row[]; meta: { pagination: Pagination } }>(
    url,
    params,
    failure
  );
  return {
    rows: data?.data ?? null,
    pagination: data?.meta.pagination ?? null,
    page,
    setPage,
    isLoading,
    error,
    reload,
  };
}
