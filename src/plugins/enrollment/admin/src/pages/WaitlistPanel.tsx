import { Badge, Box, Button, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useEffect, useRef } from 'react';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { errorMessage } from '../../../../../admin/lms/errors';
import { ColumnHeads, Panel } from '../../../../../admin/lms/LmsPage';
import { useAdminData } from '../../../../../admin/lms/usePagedList';

/** A row of GET /enrollment/courses/:documentId/waitlist. */
interface WaitlistRow {
  id: number;
  position: number;
  status: 'waiting' | 'offered';
  student: { id: number; username: string; fullName: string | null; email: string } | null;
  joinedAt: string | null;
  offerExpiresAt: string | null;
}

const when = (value: string | null) => (value ? new Date(value).toLocaleString() : '—');

/**
 * The course's waitlist on the Enrollments page: the line in order (position, student, status, offer expiry), and
 * the two staff actions, moving a waiting student up one place and taking someone out of the line (an offered seat
 * then goes to the next). Both answer the line as it now stands.
 */
export function WaitlistPanel({
  courseDocumentId,
  changes = 0,
}: {
  courseDocumentId: string;
  /** Bumped by the page after it enrolls or cancels someone: a freed seat may have moved the line. */
  changes?: number;
}) {
  const { post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const waitlist = useAdminData<{ data: WaitlistRow[] }>(
    `/enrollment/courses/${courseDocumentId}/waitlist`,
    undefined,
    'Could not load the waitlist'
  );
  const { reload } = waitlist;
  const seenChanges = useRef(changes);
  useEffect(() => {
    if (seenChanges.current === changes) return;
    seenChanges.current = changes;
    reload();
  }, [changes, reload]);

  const act = async (row: WaitlistRow, action: 'move-up' | 'remove') => {
    const who = row.student?.email ?? `entry ${row.id}`;
    try {
      if (action === 'move-up') await post(`/enrollment/courses/${courseDocumentId}/waitlist/${row.id}/move-up`, {});
      else await del(`/enrollment/courses/${courseDocumentId}/waitlist/${row.id}`);
      toggleNotification({
        type: 'success',
        message: action === 'move-up' ? `${who} moved up` : `${who} is off the waitlist`,
      });
      waitlist.reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not change the waitlist') });
    }
  };

  if (waitlist.error) return <ErrorNotice message={waitlist.error} onRetry={waitlist.reload} />;
  const rows = waitlist.data?.data ?? null;
  if (rows === null) return null;
  return (
    <Box>
      <Box paddingBottom={2}>
        <Typography variant="delta" tag="h2">
          Waitlist
        </Typography>
      </Box>
      {rows.length === 0 ? (
        <Panel>
          <Typography>Nobody is waiting for a seat in this course.</Typography>
        </Panel>
      ) : (
        <Table colCount={6} rowCount={rows.length + 1} aria-label="Waitlist of the course">
          <ColumnHeads names={['Position', 'Student', 'Email', 'Status', 'Offer expires', 'Actions']} />
          <Tbody>
            {rows.map((row, index) => {
              const who = row.student?.email ?? `entry ${row.id}`;
              const isFirstWaiting = rows.findIndex((candidate) => candidate.status === 'waiting') === index;
              return (
                <Tr key={row.id}>
                  <Td>
                    <Typography>{row.position}</Typography>
                  </Td>
                  <Td>
                    <Typography>{row.student?.fullName || row.student?.username || '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{row.student?.email ?? '—'}</Typography>
                  </Td>
                  <Td>
                    <Badge
                      backgroundColor={row.status === 'offered' ? 'success100' : 'secondary100'}
                      textColor={row.status === 'offered' ? 'success700' : 'secondary700'}
                    >
                      {row.status === 'offered' ? 'seat offered' : 'waiting'}
                    </Badge>
                  </Td>
                  <Td>
                    <Typography>{when(row.offerExpiresAt)}</Typography>
                  </Td>
                  <Td>
                    <Flex gap={2}>
                      {row.status === 'waiting' && !isFirstWaiting && (
                        <Button
                          variant="secondary"
                          size="S"
                          aria-label={`Move ${who} up`}
                          onClick={() => void act(row, 'move-up')}
                        >
                          Move up
                        </Button>
                      )}
                      <Button
                        variant="danger-light"
                        size="S"
                        aria-label={`Remove ${who} from the waitlist`}
                        onClick={() => void act(row, 'remove')}
                      >
                        Remove
                      </Button>
                    </Flex>
                  </Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      )}
    </Box>
  );
}
