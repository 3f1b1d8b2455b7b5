import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { isPostgres, runSql } from '../../../../../access/raw-sql';
import { columnOf, linkOf, tableOf } from '../../../../../database/tables';

/**
 * The order's fixed statements, for the purchase's hot path (create order → webhook → fulfilment): the query engine
 * read an order with its items and buyer in three statements and wrote one in seven (each row read back, the
 * items' order column looked up), where these read it in one and write it in one on PostgreSQL (four on SQLite,
 * in the caller's transaction). They bypass lifecycles, as the order's other writes do (no cached answer shows
 * orders).
 */

const ORDER = 'plugin::commerce.order';
const ORDER_ITEM = 'plugin::commerce.order-item';
const USER = 'plugin::users-permissions.user';
const PAYMENT_EVENT = 'plugin::commerce.payment-event';

const ORDER_ATTRIBUTES = [
  'id',
  'documentId',
  'number',
  'status',
  'currency',
  'subtotal',
  'discount',
  'total',
  'refundedAmount',
  'couponCode',
  'couponId',
  'provider',
  'providerReference',
  'checkoutUrl',
  'locale',
  'paidAt',
  'expiresAt',
  'cancelledAt',
  'fulfilledAt',
  'latePayment',
  'createdAt',
] as const;
const ITEM_ATTRIBUTES = ['id', 'courseDocumentId', 'title', 'unitPrice', 'discount', 'position'] as const;

/** Who bought an order, as the receipt addresses them (read with the order, no second look at the user). */
export interface OrderBuyer {
  email: string | null;
  name: string;
  preferredLocale: string | null;
}

/**
 * An order with its items and buyer, in one statement (one row per item), in the shape the query engine answers
 * (`items`, `buyer: { id }`), plus its buyer's contact; null when there is no such order.
 */
export async function readOrderRow(
  strapi: Core.Strapi,
  documentId: string
): Promise<{ row: Record<string, any>; buyer: OrderBuyer | null } | null> {
  return orderFromRows(await selectOrderRows(strapi, documentId, null));
}

/**
 * readOrderRow, and in the same statement whether a payment event with this key (`<provider>:<event id>`) was recorded
 * already: a webhook's two first questions in one round trip. `found` is null when there is no such order.
 */
export async function readOrderRowForEvent(
  strapi: Core.Strapi,
  documentId: string,
  eventKey: string
): Promise<{ found: { row: Record<string, any>; buyer: OrderBuyer | null } | null; isSeen: boolean }> {
  const rows = await selectOrderRows(strapi, documentId, eventKey);
  const isSeen = rows.length > 0 && Number(rows[0].seen) === 1;
  return { found: orderFromRows(rows.filter((row) => row.id !== null && row.id !== undefined)), isSeen };
}

async function selectOrderRows(
  strapi: Core.Strapi,
  documentId: string,
  eventKey: string | null
): Promise<Array<Record<string, unknown>>> {
  const buyerLink = linkOf(strapi, ORDER, 'buyer');
  const itemLink = linkOf(strapi, ORDER_ITEM, 'order');
  const orderColumns = ORDER_ATTRIBUTES.map(() => 'o.?? AS ??').join(', ');
  const itemColumns = ITEM_ATTRIBUTES.map(() => 'i.?? AS ??').join(', ');
  // With an event's key, the order is joined to a one-row lookup of that key, so the answer has a row (and the key's
  // answer) even when there is no such order.
  const from =
    eventKey === null
      ? { sql: '?? o', bindings: [tableOf(strapi, ORDER)] }
      : {
          sql: `(SELECT CASE WHEN EXISTS (SELECT 1 FROM ?? WHERE "key" = ?) THEN 1 ELSE 0 END AS "seen") e
           LEFT JOIN ?? o ON o.document_id = ?`,
          bindings: [tableOf(strapi, PAYMENT_EVENT), eventKey, tableOf(strapi, ORDER), documentId],
        };
  const { rows } = await runSql<Record<string, unknown>>(
    strapi,
    `SELECT ${eventKey === null ? '' : 'e."seen", '}${orderColumns}, ${itemColumns}, u.id AS "buyerId", u.email AS "buyerEmail", u.username AS "buyerUsername",
       u.?? AS "buyerFullName", u.?? AS "buyerLocale"
     FROM ${from.sql}
     LEFT JOIN ?? bl ON bl.?? = o.id LEFT JOIN ?? u ON u.id = bl.??
     LEFT JOIN ?? il ON il.?? = o.id LEFT JOIN ?? i ON i.id = il.??${eventKey === null ? '\n     WHERE o.document_id = ?' : ''}`,
    [
      ...ORDER_ATTRIBUTES.flatMap((attribute) => [columnOf(strapi, ORDER, attribute), attribute]),
      ...ITEM_ATTRIBUTES.flatMap((attribute) => [columnOf(strapi, ORDER_ITEM, attribute), `item_${attribute}`]),
      columnOf(strapi, USER, 'fullName'),
      columnOf(strapi, USER, 'preferredLocale'),
      ...from.bindings,
      buyerLink.table,
      buyerLink.ownColumn,
      tableOf(strapi, USER),
      buyerLink.targetColumn,
      itemLink.table,
      itemLink.targetColumn,
      tableOf(strapi, ORDER_ITEM),
      itemLink.ownColumn,
      ...(eventKey === null ? [documentId] : []),
    ]
  );
  return rows;
}

function orderFromRows(
  rows: Array<Record<string, unknown>>
): { row: Record<string, any>; buyer: OrderBuyer | null } | null {
  if (rows.length === 0) return null;
  const first = rows[0];
  const row: Record<string, any> = Object.fromEntries(
    ORDER_ATTRIBUTES.map((attribute) => [attribute, first[attribute]])
  );
  row.buyer = first.buyerId === null || first.buyerId === undefined ? null : { id: Number(first.buyerId) };
  row.items = rows
    .filter((item) => item.item_id !== null && item.item_id !== undefined)
    .map((item) => Object.fromEntries(ITEM_ATTRIBUTES.map((attribute) => [attribute, item[`item_${attribute}`]])));
  const buyer: OrderBuyer | null = row.buyer
    ? {
        email: (first.buyerEmail as string | null) ?? null,
        name: String(first.buyerFullName || first.buyerUsername || ''),
        preferredLocale: (first.buyerLocale as string | null) ?? null,
      }
    : null;
  return { row, buyer };
}

/** A new order's columns (money in minor units) and its items, in their order. */
export interface NewOrder {
  /** Chosen before the write: the provider's checkout, made first, is named by it. */
  documentId: string;
  number: string;
  status: 'pending' | 'paid';
  buyerId: number;
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  couponCode: string | null;
  couponId: number | null;
  provider: string;
  providerReference: string | null;
  checkoutUrl: string | null;
  locale: string;
  paidAt: Date | null;
  expiresAt: Date | null;
  items: ReadonlyArray<{ courseDocumentId: string; title: string; unitPrice: number; discount: number }>;
}

/**
 * Writes an order, its buyer link, its items and their links: one statement on PostgreSQL (a data-modifying CTE),
 * four on SQLite (run it inside the caller's transaction). Answers the new row's id and documentId.
 */
export async function insertOrder(
  strapi: Core.Strapi,
  order: NewOrder,
  now: Date
): Promise<{ id: number; documentId: string }> {
  const documentId = order.documentId;
  const orderRow: Array<[string, unknown]> = [
    ['document_id', documentId],
    [columnOf(strapi, ORDER, 'number'), order.number],
    [columnOf(strapi, ORDER, 'status'), order.status],
    [columnOf(strapi, ORDER, 'currency'), order.currency],
    [columnOf(strapi, ORDER, 'subtotal'), order.subtotal],
    [columnOf(strapi, ORDER, 'discount'), order.discount],
    [columnOf(strapi, ORDER, 'total'), order.total],
    [columnOf(strapi, ORDER, 'refundedAmount'), 0],
    [columnOf(strapi, ORDER, 'couponCode'), order.couponCode],
    [columnOf(strapi, ORDER, 'couponId'), order.couponId],
    [columnOf(strapi, ORDER, 'provider'), order.provider],
    [columnOf(strapi, ORDER, 'providerReference'), order.providerReference],
    [columnOf(strapi, ORDER, 'checkoutUrl'), order.checkoutUrl],
    [columnOf(strapi, ORDER, 'locale'), order.locale],
    [columnOf(strapi, ORDER, 'paidAt'), order.paidAt],
    [columnOf(strapi, ORDER, 'expiresAt'), order.expiresAt],
    ['created_at', now],
    ['updated_at', now],
    ['published_at', now],
  ];
  const itemColumns = [
    'document_id',
    columnOf(strapi, ORDER_ITEM, 'courseDocumentId'),
    columnOf(strapi, ORDER_ITEM, 'title'),
    columnOf(strapi, ORDER_ITEM, 'unitPrice'),
    columnOf(strapi, ORDER_ITEM, 'discount'),
    columnOf(strapi, ORDER_ITEM, 'position'),
    'created_at',
    'updated_at',
    'published_at',
  ];
  const itemValues = order.items.map((item, position) => [
    createId(),
    item.courseDocumentId,
    item.title,
    item.unitPrice,
    item.discount,
    position,
    now,
    now,
    now,
  ]);
  const buyerLink = linkOf(strapi, ORDER, 'buyer');
  const itemLink = linkOf(strapi, ORDER_ITEM, 'order');
  // The items' place in the order's list (the query engine's `order_item_ord`: 1, 2, … for a new order).
  const itemOrderColumn = inverseOrderColumn(strapi);
  const insertOrderSql = `INSERT INTO ?? (${orderRow.map(() => '??').join(', ')}) VALUES (${orderRow.map(() => '?').join(', ')}) RETURNING id`;
  const orderBindings = [tableOf(strapi, ORDER), ...orderRow.map(([column]) => column), ...orderRow.map(([, v]) => v)];
  const insertItemsSql = `INSERT INTO ?? (${itemColumns.map(() => '??').join(', ')}) VALUES ${itemValues
    .map(() => `(${itemColumns.map(() => '?').join(', ')})`)
    .join(', ')} RETURNING id, ?? AS position`;
  const itemBindings = [
    tableOf(strapi, ORDER_ITEM),
    ...itemColumns,
    ...itemValues.flat(),
    columnOf(strapi, ORDER_ITEM, 'position'),
  ];
  const linkColumns = itemOrderColumn ? '??, ??, ??' : '??, ??';
  const linkColumnBindings = [itemLink.ownColumn, itemLink.targetColumn, ...(itemOrderColumn ? [itemOrderColumn] : [])];

  if (isPostgres(strapi)) {
    const { rows } = await runSql<{ id: unknown }>(
      strapi,
      `WITH created AS (${insertOrderSql}),
       buyer_link AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created),
       items AS (${insertItemsSql}),
       item_links AS (INSERT INTO ?? (${linkColumns}) SELECT items.id, created.id${itemOrderColumn ? ', items.position + 1' : ''} FROM items, created)
       SELECT id FROM created`,
      [
        ...orderBindings,
        buyerLink.table,
        buyerLink.ownColumn,
        buyerLink.targetColumn,
        order.buyerId,
        ...itemBindings,
        itemLink.table,
        ...linkColumnBindings,
      ]
    );
    return { id: Number(rows[0].id), documentId };
  }
  const { rows } = await runSql<{ id: unknown }>(strapi, insertOrderSql, orderBindings);
  const id = Number(rows[0].id);
  await runSql(strapi, 'INSERT INTO ?? (??, ??) VALUES (?, ?)', [
    buyerLink.table,
    buyerLink.ownColumn,
    buyerLink.targetColumn,
    id,
    order.buyerId,
  ]);
  const { rows: items } = await runSql<{ id: unknown; position: unknown }>(strapi, insertItemsSql, itemBindings);
  await runSql(
    strapi,
    `INSERT INTO ?? (${linkColumns}) VALUES ${items.map(() => (itemOrderColumn ? '(?, ?, ?)' : '(?, ?)')).join(', ')}`,
    [
      itemLink.table,
      ...linkColumnBindings,
      ...items.flatMap((item) => [Number(item.id), id, ...(itemOrderColumn ? [Number(item.position) + 1] : [])]),
    ]
  );
  return { id, documentId };
}

function inverseOrderColumn(strapi: Core.Strapi): string | null {
  const attribute = strapi.db.metadata.get(ORDER_ITEM as never).attributes.order as unknown as {
    joinTable?: { inverseOrderColumnName?: string };
  };
  return attribute.joinTable?.inverseOrderColumnName ?? null;
}

/**
 * The documentIds of a buyer's pending orders holding any of these courses, from the buyer's own orders (a handful),
 * in one fixed statement: the query engine's join from the items (every order's items matched against the courses,
 * then joined back to the buyer) is the plan that went slow once the orders had grown since the last ANALYZE.
 */
export async function pendingOrdersHolding(
  strapi: Core.Strapi,
  buyerId: number,
  courseDocumentIds: string[]
): Promise<string[]> {
  const buyerLink = linkOf(strapi, ORDER, 'buyer');
  const itemLink = linkOf(strapi, ORDER_ITEM, 'order');
  const { rows } = await runSql<{ documentId: string }>(
    strapi,
    `WITH mine AS MATERIALIZED (SELECT ?? AS "order_id" FROM ?? WHERE ?? = ?)
     SELECT o.document_id AS "documentId" FROM mine JOIN ?? o ON o.id = mine."order_id"
     WHERE o.?? = 'pending' AND EXISTS (
       SELECT 1 FROM ?? l JOIN ?? i ON i.id = l.?? WHERE l.?? = o.id AND i.?? IN (${courseDocumentIds.map(() => '?').join(', ')})
     )
     ORDER BY o.id`,
    [
      buyerLink.ownColumn,
      buyerLink.table,
      buyerLink.targetColumn,
      buyerId,
      tableOf(strapi, ORDER),
      columnOf(strapi, ORDER, 'status'),
      itemLink.table,
      tableOf(strapi, ORDER_ITEM),
      itemLink.ownColumn,
      itemLink.targetColumn,
      columnOf(strapi, ORDER_ITEM, 'courseDocumentId'),
      ...courseDocumentIds,
    ]
  );
  return rows.map((row) => row.documentId);
}
