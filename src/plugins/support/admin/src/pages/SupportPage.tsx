import { Badge, Box, Button, Field, Flex, Table, Tbody, Td, Textarea, Tr, Typography } from '@strapi/design-system';
import { ArrowLeft } from '@strapi/icons';
import { Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { ListStates } from '../../../../../admin/lms/ListStates';
import { serverError } from '../../../../../admin/lms/errors';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { useAdminData, usePagedList } from '../../../../../admin/lms/usePagedList';

interface Person {
  id: number | null;
  username: string | null;
  fullName: string | null;
  email?: string | null;
}

type Status = 'open' | 'pending' | 'closed';

interface Ticket {
  documentId: string;
  subject: string;
  status: Status;
  author: Person | null;
  assignee: Person | null;
  assignedToCaller: boolean;
  messagesCount: number;
  lastMessageAt: string | null;
  createdAt: string;
}

interface TicketMessage {
  id: number;
  body: string;
  byStaff: boolean;
  author: Person | null;
  createdAt: string;
}

const INBOXES: Array<{ status: Status | ''; label: string }> = [
  { status: 'open', label: 'Open' },
  { status: 'pending', label: 'Pending' },
  { status: 'closed', label: 'Closed' },
  { status: '', label: 'All' },
];

const nameOf = (person: Person | null) => (person ? person.fullName || person.username || 'Support' : 'Deleted user');
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');
const STATUS_WORDS: Record<Status, string> = {
  open: 'open (waiting on support)',
  pending: 'pending (waiting on the user)',
  closed: 'closed',
};

/** One ticket: its thread, Assign to me, a reply and Close. */
function TicketView({ documentId, onBack }: { documentId: string; onBack: () => void }) {
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { data, error, reload } = useAdminData<{ data: Ticket & { messages: TicketMessage[] } }>(
    `/support/tickets/${documentId}`,
    undefined,
    'Could not open this ticket'
  );
  const [reply, setReply] = React.useState('');
  const [busy, setBusy] = React.useState<null | 'reply' | 'assign' | 'close'>(null);
  const [fieldError, setFieldError] = React.useState<string | null>(null);
  const ticket = data?.data;

  const act = async (what: 'reply' | 'assign' | 'close') => {
    setBusy(what);
    setFieldError(null);
    try {
      if (what === 'reply') await post(`/support/tickets/${documentId}/messages`, { body: reply });
      else await post(`/support/tickets/${documentId}/${what}`, {});
      toggleNotification({
        type: 'success',
        message: what === 'reply' ? 'Reply sent' : what === 'assign' ? 'The ticket is yours' : 'Ticket closed',
      });
      if (what === 'reply') setReply('');
      reload();
    } catch (failure) {
      const problem = serverError(failure, `Could not ${what === 'assign' ? 'take' : what} this ticket`);
      if (what === 'reply' && problem.field === 'body') setFieldError(problem.message);
      else toggleNotification({ type: 'danger', message: problem.message });
    } finally {
      setBusy(null);
    }
  };

  const back = (
    <Button variant="ghost" startIcon={<ArrowLeft />} onClick={onBack}>
      Back to the inbox
    </Button>
  );
  if (error)
    return (
      <LmsPage title="Ticket" subtitle="" navigationAction={back}>
        <ErrorNotice message={error} onRetry={reload} />
      </LmsPage>
    );
  if (!ticket) return <Page.Loading />;
  const isClosed = ticket.status === 'closed';
  return (
    <LmsPage
      title={ticket.subject}
      subtitle={`From ${nameOf(ticket.author)}${ticket.author?.email ? ` <${ticket.author.email}>` : ''}, ${when(ticket.createdAt)}`}
      navigationAction={back}
    >
      <Panel>
        <Flex gap={6} wrap="wrap" alignItems="center">
          <Badge>{STATUS_WORDS[ticket.status]}</Badge>
          <Typography>Assignee: {ticket.assignee ? nameOf(ticket.assignee) : 'nobody'}</Typography>
          {!isClosed && !ticket.assignedToCaller && (
            <Button variant="secondary" loading={busy === 'assign'} onClick={() => void act('assign')}>
              Assign to me
            </Button>
          )}
          {!isClosed && (
            <Button variant="danger-light" loading={busy === 'close'} onClick={() => void act('close')}>
              Close ticket
            </Button>
          )}
        </Flex>
      </Panel>
      <Box role="list" aria-label="Messages of the ticket">
        <Flex direction="column" alignItems="stretch" gap={3}>
          {ticket.messages.map((message) => (
            <Box
              key={message.id}
              role="listitem"
              background={message.byStaff ? 'primary100' : 'neutral0'}
              padding={4}
              hasRadius
              shadow="tableShadow"
            >
              <Typography variant="pi" textColor="neutral600" tag="p">
                {nameOf(message.author)}
                {message.byStaff ? ' (support)' : ''}, {when(message.createdAt)}
              </Typography>
              <Typography tag="p" style={{ whiteSpace: 'pre-wrap' }}>
                {message.body}
              </Typography>
            </Box>
          ))}
        </Flex>
      </Box>
      {isClosed ? (
        <Panel>
          <Typography>This ticket is closed: it takes no more replies.</Typography>
        </Panel>
      ) : (
        <Panel>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Field.Root
              name="reply"
              required
              hint="1 to 5000 characters; the user is told by notice and email."
              error={fieldError ?? undefined}
            >
              <Field.Label>Reply</Field.Label>
              <Textarea
                value={reply}
                onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setReply(event.target.value)}
              />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
            <Flex justifyContent="flex-end">
              <Button loading={busy === 'reply'} disabled={!reply.trim()} onClick={() => void act('reply')}>
                Send reply
              </Button>
            </Flex>
          </Flex>
        </Panel>
      )}
    </LmsPage>
  );
}

/** The inbox: tickets of one status (or all), newest first, paginated. */
export default function SupportPage() {
  const [status, setStatus] = React.useState<Status | ''>('open');
  const [opened, setOpened] = React.useState<string | null>(null);
  const tickets = usePagedList<Ticket>(opened ? null : '/support/tickets', {
    filters: status ? { status } : {},
    failure: 'Could not load the tickets',
  });

  if (opened) return <TicketView documentId={opened} onBack={() => setOpened(null)} />;
  return (
    <LmsPage title="Support" subtitle="Users' tickets, newest first: take one, answer it, close it.">
      <Panel>
        <Flex gap={2} role="group" aria-label="Inbox">
          {INBOXES.map((inbox) => (
            <Button
              key={inbox.label}
              variant={status === inbox.status ? 'default' : 'tertiary'}
              aria-pressed={status === inbox.status}
              onClick={() => setStatus(inbox.status)}
            >
              {inbox.label}
            </Button>
          ))}
        </Flex>
      </Panel>
      <ListStates rows={tickets.rows} error={tickets.error} reload={tickets.reload} empty="No ticket here.">
        {(rows) => (
          <Box>
            <Table colCount={6} rowCount={rows.length + 1} aria-label="Support tickets">
              <ColumnHeads names={['Subject', 'From', 'Status', 'Assignee', 'Last message', 'Actions']} />
              <Tbody>
                {rows.map((ticket) => (
                  <Tr key={ticket.documentId}>
                    <Td>
                      <Typography fontWeight="bold">{ticket.subject}</Typography>
                    </Td>
                    <Td>
                      <Typography tag="p">{nameOf(ticket.author)}</Typography>
                      <Typography variant="pi" textColor="neutral600" tag="p">
                        {ticket.author?.email ?? ''}
                      </Typography>
                    </Td>
                    <Td>
                      <Badge>{ticket.status}</Badge>
                    </Td>
                    <Td>
                      <Typography>{ticket.assignee ? nameOf(ticket.assignee) : '—'}</Typography>
                    </Td>
                    <Td>
                      <Typography>
                        {when(ticket.lastMessageAt)} ({ticket.messagesCount})
                      </Typography>
                    </Td>
                    <Td>
                      <Button
                        variant="secondary"
                        aria-label={`Open ticket ${ticket.subject}`}
                        onClick={() => setOpened(ticket.documentId)}
                      >
                        Open
                      </Button>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            <PageControls pagination={tickets.pagination} onPage={tickets.setPage} />
          </Box>
        )}
      </ListStates>
    </LmsPage>
  );
}
