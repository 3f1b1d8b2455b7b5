import { Typography } from '@strapi/design-system';
import { Page } from '@strapi/strapi/admin';
import * as React from 'react';
import { ErrorNotice } from './ErrorNotice';
import { Panel } from './LmsPage';

/**
 * The four states of a list on an LMS page, in one place: why it failed (with a retry), loading, nothing found
 * (`empty` says what), or the rows, which `children` draws.
 */
export function ListStates<Row>({
  rows,
  error,
  reload,
  empty,
  children,
}: {
  rows: Row[] | null;
  error: string | null;
  reload: () => void;
  empty: string;
  children: (rows: Row[]) => React.ReactNode;
}) {
  if (error) return <ErrorNotice message={error} onRetry={reload} />;
  if (rows === null) return <Page.Loading />;
  if (rows.length === 0)
    return (
      <Panel>
        <Typography>{empty}</Typography>
      </Panel>
    );
  return <>{children(rows)}</>;
}
