import { Button, Flex, Typography } from '@strapi/design-system';
import type { Pagination } from './types';

/** "Previous page" / "Next page" with where we are; hidden when everything fits on one page. */
export function PageControls({
  pagination,
  onPage,
}: {
  pagination: Pagination | null;
  onPage: (page: number) => void;
}) {
  if (!pagination || pagination.pageCount <= 1) return null;
  return (
    <Flex gap={2} paddingTop={4} justifyContent="flex-end">
      <Button variant="tertiary" disabled={pagination.page <= 1} onClick={() => onPage(pagination.page - 1)}>
        Previous page
      </Button>
      <Typography variant="omega" aria-live="polite">
        Page {pagination.page} of {pagination.pageCount} ({pagination.total} in all)
      </Typography>
      <Button
        variant="tertiary"
        disabled={pagination.page >= pagination.pageCount}
        onClick={() => onPage(pagination.page + 1)}
      >
        Next page
      </Button>
    </Flex>
  );
}
