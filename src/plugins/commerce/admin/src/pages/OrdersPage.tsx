import {
  Badge,
  Box,
  Button,
  Dialog,
  Field,
  Flex,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Textarea,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft } from '@strapi/icons';
import { Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { FilterField } from '../../../../../admin/lms/FilterField';
import { ListStates } from '../../../../../admin/lms/ListStates';
import { serverError } from '../../../../../admin/lms/errors';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { useAdminData, usePagedList } from '../../../../../admin/lms/usePagedList';

type OrderStatus = 'pending' | 'paid' | 'failed' | 'cancelled' | 'refunded' | 'partially_refunded';

interface Buyer {
  id: number;
  username: string;
  email: string;
  fullName: string | null;
}

interface OrderRow {
  documentId: string;
  number: string;
  status: OrderStatus;
  items: Array<{ course: string; title: string; unitPrice: number }>;
  subtotal: number;
  discount: number;
  total: number;
  refunded: number;
  currency: string;
  coupon: string | null;
  provider: string;
  providerReference: string | null;
  paidAt: string | null;
  createdAt: string;
  latePayment: 'received' | 'fulfilled' | 'refunded' | null;
  buyer: Buyer | null;
}

interface OrderDetail extends OrderRow {
  refundable: number;
  paymentEvents: Array<{
    provider: string;
    eventId: string;
    type: string;
    outcome: string;
    receivedAt: string | null;
  }>;
  refunds: Array<{
    documentId: string;
    amount: number;
    currency: string;
    reason: string;
    status: 'pending' | 'done' | 'failed';
    refundReference: string | null;
    createdAt: string | null;
  }>;
}

interface Criteria {
  number: string;
  buyer: string;
  course: string;
  status: string;
}

const EMPTY: Criteria = { number: '', buyer: '', course: '', status: '' };
const STATUSES: OrderStatus[] = ['pending', 'paid', 'failed', 'cancelled', 'refunded', 'partially_refunded'];
const ANY_STATUS = '*';

const money = (amount: number, currency: string) => `${amount.toFixed(currency === 'JPY' ? 0 : 2)} ${currency}`;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
const buyerName = (buyer: Buyer | null) => (buyer ? buyer.fullName || buyer.username : 'Deleted user');

function StatusBadge({ status }: { status: OrderStatus }) {
  const colors: Record<OrderStatus, [string, string]> = {
    pending: ['warning100', 'warning700'],
    paid: ['success100', 'success700'],
    failed: ['danger100', 'danger700'],
    cancelled: ['neutral150', 'neutral700'],
    refunded: ['secondary100', 'secondary700'],
    partially_refunded: ['secondary100', 'secondary700'],
  };
  const [background, text] = colors[status];
  return (
    <Badge backgroundColor={background} textColor={text}>
      {status.replace('_', ' ')}
    </Badge>
  );
}

/** Refund all that remains or a part, with a reason, after a confirmation. */
function RefundButton({ order, onRefunded }: { order: OrderDetail; onRefunded: () => void }) {
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [isOpen, setIsOpen] = React.useState(false);
  const [isConfirming, setIsConfirming] = React.useState(false);
  const [amount, setAmount] = React.useState('');
  const [reason, setReason] = React.useState('');
  const [fieldError, setFieldError] = React.useState<{ field?: string; message: string } | null>(null);
  const [isSaving, setIsSaving] = React.useState(false);

  const close = () => {
    setIsOpen(false);
    setIsConfirming(false);
    setFieldError(null);
  };

  const refund = async () => {
    setIsSaving(true);
    try {
      await post(`/commerce/orders/${order.documentId}/refund`, {
        ...(amount.trim() ? { amount: amount.trim() } : {}),
        reason,
      });
      toggleNotification({ type: 'success', message: `Order ${order.number} is refunded` });
      close();
      setAmount('');
      setReason('');
      onRefunded();
    } catch (error) {
      const problem = serverError(error, 'Could not refund this order');
      setIsConfirming(false);
      if (problem.field) setFieldError({ field: problem.field, message: problem.message });
      else toggleNotification({ type: 'danger', message: problem.message });
    } finally {
      setIsSaving(false);
    }
  };

  const what = amount.trim() ? `${amount.trim()} ${order.currency}` : money(order.refundable, order.currency);

  return (
    <Dialog.Root open={isOpen} onOpenChange={(open: boolean) => (open ? setIsOpen(true) : close())}>
      <Dialog.Trigger>
        <Button variant="danger-light" aria-label={`Refund order ${order.number}`}>
          Refund
        </Button>
      </Dialog.Trigger>
      <Dialog.Content>
        <Dialog.Header>{isConfirming ? 'Refund this order?' : `Refund order ${order.number}`}</Dialog.Header>
        <Dialog.Body>
          {isConfirming ? (
            <Typography tag="p">
              {what} go back to {buyerName(order.buyer)} through {order.provider}. This cannot be undone
              {amount.trim() ? '.' : '; the courses it bought are cancelled (certificates stay).'}
            </Typography>
          ) : (
            <Flex direction="column" alignItems="stretch" gap={4} width="100%">
              <Field.Root
                name="amount"
                hint={`Leave empty to refund all that remains: ${money(order.refundable, order.currency)}.`}
                error={fieldError?.field === 'amount' ? fieldError.message : undefined}
              >
                <Field.Label>Amount to refund ({order.currency})</Field.Label>
                <Field.Input
                  value={amount}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => setAmount(event.target.value)}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
              <Field.Root
                name="reason"
                required
                hint="1 to 1000 characters, kept with the refund."
                error={fieldError?.field === 'reason' ? fieldError.message : undefined}
              >
                <Field.Label>Reason for the refund</Field.Label>
                <Textarea
                  value={reason}
                  onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setReason(event.target.value)}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Flex>
          )}
        </Dialog.Body>
        <Dialog.Footer>
          <Button variant="tertiary" onClick={isConfirming ? () => setIsConfirming(false) : close}>
            {isConfirming ? 'Back' : 'Keep the order'}
          </Button>
          {isConfirming ? (
            <Button variant="danger" onClick={() => void refund()} loading={isSaving}>
              Yes, refund {what}
            </Button>
          ) : (
            <Button variant="danger-light" onClick={() => setIsConfirming(true)} disabled={!reason.trim()}>
              Continue
            </Button>
          )}
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Box>
      <Typography variant="sigma" textColor="neutral600" tag="p">
        {label}
      </Typography>
      <Typography tag="p">{children}</Typography>
    </Box>
  );
}

/** One order: what it holds, what it cost, how it was paid, what the provider said and what went back. */
function OrderView({ documentId, onBack }: { documentId: string; onBack: () => void }) {
  const { data, error, reload } = useAdminData<{ data: OrderDetail }>(
    `/commerce/orders/${documentId}`,
    undefined,
    'Could not open this order'
  );
  const order = data?.data;
  const back = (
    <Button variant="ghost" startIcon={<ArrowLeft />} onClick={onBack}>
      Back to the orders
    </Button>
  );
  if (error)
    return (
      <LmsPage title="Order" subtitle="" navigationAction={back}>
        <ErrorNotice message={error} onRetry={reload} />
      </LmsPage>
    );
  if (!order) return <Page.Loading />;
  return (
    <LmsPage
      title={`Order ${order.number}`}
      subtitle={`${buyerName(order.buyer)}${order.buyer ? ` <${order.buyer.email}>` : ''}, ${when(order.createdAt)}`}
      navigationAction={back}
    >
      <Panel>
        <Flex gap={8} wrap="wrap" alignItems="flex-start">
          <Fact label="Status">
            <StatusBadge status={order.status} />
          </Fact>
          <Fact label="Total">{money(order.total, order.currency)}</Fact>
          <Fact label="Subtotal">{money(order.subtotal, order.currency)}</Fact>
          <Fact label="Discount">
            {money(order.discount, order.currency)}
            {order.coupon ? ` (coupon ${order.coupon})` : ''}
          </Fact>
          <Fact label="Refunded">{money(order.refunded, order.currency)}</Fact>
          <Fact label="Provider">{order.provider}</Fact>
          <Fact label="Provider reference">{order.providerReference ?? '—'}</Fact>
          <Fact label="Paid at">{when(order.paidAt)}</Fact>
          {order.latePayment && <Fact label="Late payment">{order.latePayment}</Fact>}
        </Flex>
        {order.refundable > 0 && (
          <Box paddingTop={6}>
            <RefundButton order={order} onRefunded={reload} />
          </Box>
        )}
      </Panel>

      <Box>
        <Typography variant="delta" tag="h2">
          Items
        </Typography>
        <Table colCount={2} rowCount={order.items.length + 1} aria-label="Items of the order">
          <ColumnHeads names={['Course', 'Price']} />
          <Tbody>
            {order.items.map((item) => (
              <Tr key={item.course}>
                <Td>
                  <Typography>{item.title}</Typography>
                </Td>
                <Td>
                  <Typography>{money(item.unitPrice, order.currency)}</Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Box>

      <Box>
        <Typography variant="delta" tag="h2">
          Payment events
        </Typography>
        {order.paymentEvents.length === 0 ? (
          <Panel>
            <Typography>No event from the provider yet.</Typography>
          </Panel>
        ) : (
          <Table colCount={4} rowCount={order.paymentEvents.length + 1} aria-label="Payment events">
            <ColumnHeads names={['Type', 'Provider event id', 'Received at', 'Outcome']} />
            <Tbody>
              {order.paymentEvents.map((event) => (
                <Tr key={`${event.provider}:${event.eventId}`}>
                  <Td>
                    <Typography>{event.type}</Typography>
                  </Td>
                  <Td>
                    <Typography>{event.eventId}</Typography>
                  </Td>
                  <Td>
                    <Typography>{when(event.receivedAt)}</Typography>
                  </Td>
                  <Td>
                    <Typography>{event.outcome}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </Box>

      <Box>
        <Typography variant="delta" tag="h2">
          Refunds
        </Typography>
        {order.refunds.length === 0 ? (
          <Panel>
            <Typography>Nothing refunded.</Typography>
          </Panel>
        ) : (
          <Table colCount={5} rowCount={order.refunds.length + 1} aria-label="Refunds">
            <ColumnHeads names={['Amount', 'Reason', 'Status', 'Provider reference', 'Made at']} />
            <Tbody>
              {order.refunds.map((refund) => (
                <Tr key={refund.documentId}>
                  <Td>
                    <Typography>{money(refund.amount, refund.currency)}</Typography>
                  </Td>
                  <Td>
                    <Typography>{refund.reason}</Typography>
                  </Td>
                  <Td>
                    <Typography>{refund.status}</Typography>
                  </Td>
                  <Td>
                    <Typography>{refund.refundReference ?? '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{when(refund.createdAt)}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </Box>
    </LmsPage>
  );
}

export default function OrdersPage() {
  const [draft, setDraft] = React.useState<Criteria>(EMPTY);
  const [criteria, setCriteria] = React.useState<Criteria>(EMPTY);
  const [openOrder, setOpenOrder] = React.useState<string | null>(null);
  const orders = usePagedList<OrderRow>(openOrder ? null : '/commerce/orders', {
    filters: { ...criteria },
    failure: 'Could not search the orders',
  });

  if (openOrder) return <OrderView documentId={openOrder} onBack={() => setOpenOrder(null)} />;

  const search = (event: React.FormEvent) => {
    event.preventDefault();
    // The same search again asks the server again: an order may have been paid or refunded since.
    if (JSON.stringify(draft) === JSON.stringify(criteria)) orders.reload();
    else setCriteria({ ...draft });
  };

  const field = (name: Exclude<keyof Criteria, 'status'>, label: string) => (
    <FilterField
      name={name}
      label={label}
      value={draft[name]}
      onChange={(value) => setDraft({ ...draft, [name]: value })}
    />
  );

  return (
    <LmsPage
      title="Orders"
      subtitle="Find an order by number, buyer, course or status; open it to see its payments or refund it."
    >
      <Panel>
        <form onSubmit={search} aria-label="Search orders">
          <Flex gap={4} alignItems="flex-end">
            {field('number', 'Order number')}
            {field('buyer', 'Buyer (name or email)')}
            {field('course', 'Course title')}
            <Box flex="1">
              <Field.Root name="status">
                <Field.Label>Status</Field.Label>
                <SingleSelect
                  aria-label="Status"
                  value={draft.status || ANY_STATUS}
                  onChange={(next: string | number) =>
                    setDraft({ ...draft, status: next === ANY_STATUS ? '' : String(next) })
                  }
                >
                  <SingleSelectOption value={ANY_STATUS}>Any status</SingleSelectOption>
                  {STATUSES.map((status) => (
                    <SingleSelectOption key={status} value={status}>
                      {status.replace('_', ' ')}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            </Box>
            <Button type="submit">Search</Button>
          </Flex>
        </form>
      </Panel>

      <ListStates rows={orders.rows} error={orders.error} reload={orders.reload} empty="No order matches.">
        {(rows) => (
          <Box>
            <Table colCount={7} rowCount={rows.length + 1} aria-label="Orders found">
              <ColumnHeads names={['Number', 'Buyer', 'Courses', 'Total', 'Status', 'Made at', 'Actions']} />
              <Tbody>
                {rows.map((order) => (
                  <Tr key={order.documentId}>
                    <Td>
                      <Typography fontWeight="bold">{order.number}</Typography>
                    </Td>
                    <Td>
                      <Typography tag="p">{buyerName(order.buyer)}</Typography>
                      <Typography variant="pi" textColor="neutral600" tag="p">
                        {order.buyer?.email ?? ''}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography>{order.items.map((item) => item.title).join(', ')}</Typography>
                    </Td>
                    <Td>
                      <Typography>{money(order.total, order.currency)}</Typography>
                    </Td>
                    <Td>
                      <StatusBadge status={order.status} />
                    </Td>
                    <Td>
                      <Typography>{when(order.createdAt)}</Typography>
                    </Td>
                    <Td>
                      <Button
                        variant="secondary"
                        size="S"
                        onClick={() => setOpenOrder(order.documentId)}
                        aria-label={`Open order ${order.number}`}
                      >
                        Open
                      </Button>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            <PageControls pagination={orders.pagination} onPage={orders.setPage} />
          </Box>
        )}
      </ListStates>
    </LmsPage>
  );
}
