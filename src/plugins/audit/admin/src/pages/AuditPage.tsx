import { Box, Button, Field, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Page } from '@strapi/strapi/admin';
import * as React from 'react';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { usePagedList } from '../../../../../admin/lms/usePagedList';

type State = Record<string, string | number | boolean | null> | null;

interface AuditEventRow {
  id: number;
  action: string;
  actor: number | null;
  actorRole: string;
  entity: string;
  before: State;
  after: State;
  reason?: string;
  at: string;
}

interface Criteria {
  actor: string;
  entity: string;
  from: string;
  to: string;
}

const EMPTY: Criteria = { actor: '', entity: '', from: '', to: '' };

/** The filters the route takes: empty ones left out; days as the whole day (UTC) they name. */
function queryOf(criteria: Criteria): Record<string, string> {
  const query: Record<string, string> = {};
  if (criteria.actor.trim()) query.actor = criteria.actor.trim();
  if (criteria.entity.trim()) query.entity = criteria.entity.trim();
  if (criteria.from) query.from = `${criteria.from}T00:00:00Z`;
  if (criteria.to) query.to = `${criteria.to}T23:59:59.999Z`;
  return query;
}

/** `{ grade: 7 }` as `grade 7`: the change at a glance. */
const describeState = (state: State) =>
  state
    ? Object.entries(state)
        .map(([key, value]) => `${key} ${value === null ? '–' : String(value)}`)
        .join(', ')
    : '–';

export default function AuditPage() {
  const [draft, setDraft] = React.useState<Criteria>(EMPTY);
  const [criteria, setCriteria] = React.useState<Criteria>(EMPTY);
  const events = usePagedList<AuditEventRow>('/audit/events', {
    filters: queryOf(criteria),
    failure: 'Could not load the audit trail',
  });

  const search = (event: React.FormEvent) => {
    event.preventDefault();
    if (JSON.stringify(draft) === JSON.stringify(criteria)) events.reload();
    else setCriteria({ ...draft });
  };

  const field = (name: keyof Criteria, label: string, type: 'text' | 'date', hint?: string) => (
    <Box flex="1">
      <Field.Root name={name} hint={hint}>
        <Field.Label>{label}</Field.Label>
        <Field.Input
          type={type}
          value={draft[name]}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [name]: event.target.value })}
        />
        {hint && <Field.Hint />}
      </Field.Root>
    </Box>
  );

  return (
    <LmsPage
      title="Audit"
      subtitle="Staff actions, kept and never edited: grades, certificates, enrollments, roles, refunds, moderation, exports and erasures."
    >
      <Panel>
        <form onSubmit={search} aria-label="Filter audit events">
          <Flex gap={4} alignItems="flex-end">
            {field('actor', 'Actor (user id)', 'text')}
            {field('entity', 'Entity', 'text', 'A kind (submission) or kind:id')}
            {field('from', 'From', 'date')}
            {field('to', 'To', 'date')}
            <Button type="submit">Filter</Button>
          </Flex>
        </form>
      </Panel>

      {events.error ? (
        <ErrorNotice message={events.error} onRetry={events.reload} />
      ) : events.rows === null ? (
        <Page.Loading />
      ) : events.rows.length === 0 ? (
        <Panel>
          <Typography>No event matches.</Typography>
        </Panel>
      ) : (
        <Box>
          <Table colCount={6} rowCount={events.rows.length + 1} aria-label="Audit events">
            <ColumnHeads names={['When', 'Action', 'Actor', 'Entity', 'Change', 'Reason']} />
            <Tbody>
              {events.rows.map((event) => (
                <Tr key={event.id}>
                  <Td>
                    <Typography>{new Date(event.at).toLocaleString()}</Typography>
                  </Td>
                  <Td>
                    <Typography fontWeight="bold">{event.action}</Typography>
                  </Td>
                  <Td>
                    <Typography>
                      {event.actor === null ? event.actorRole : `#${event.actor} (${event.actorRole})`}
                    </Typography>
                  </Td>
                  <Td>
                    <Typography>{event.entity}</Typography>
                  </Td>
                  <Td>
                    <Typography variant="pi" tag="p">
                      before: {describeState(event.before)}
                    </Typography>
                    <Typography variant="pi" tag="p">
                      after: {describeState(event.after)}
                    </Typography>
                  </Td>
                  <Td>
                    <Typography>{event.reason ?? ''}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          <PageControls pagination={events.pagination} onPage={events.setPage} />
        </Box>
      )}
    </LmsPage>
  );
}
