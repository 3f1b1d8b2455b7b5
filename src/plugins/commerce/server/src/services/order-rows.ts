import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { isPostgres, runSql, type SqlStatement } from '../../../../../access/raw-sql';
import { columnOf, linkOf, tableOf } from '../../../../../database/tables';
import {
  ENROLLMENT,
  ENROLLMENT_RECORD_ATTRIBUTES,
  enrollmentFromRow,
  enrollmentKey,
  type EnrollmentRecord,
} from '../../../../enrollment/server/src/facade';
import type { OrderStatus } from './orders';

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
const COURSE = 'api::course.course';
/** An order that bought its courses: what `already_purchased` and the payment rule look for. */
export const PAID_STATUSES: OrderStatus[] = ['paid', 'partially_refunded'];

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

/** A course as an order is made from it: one row per version (locale, draft or published). */
export interface CourseForOrder {
  documentId: string;
  title: string | null;
  price: unknown;
  currency: string | null;
  locale: string | null;
  publishedAt: unknown;
  /** Whether the buyer holds it by a paid (or partly refunded) order already: 409 `already_purchased`. */
  isPurchased: boolean;
  /** The buyer's enrollment in it, if any, for the enrollment rules (409 `already_enrolled`). */
  enrollment: EnrollmentRecord | null;
}

/**
 * The courses an order is made of, whether the buyer bought each already, and the buyer's enrollment in each, in one
 * statement: the order's first three questions (its lines, `already_purchased`, the enrollment rules' "already
 * enrolled"), which were three round trips on the purchase's path. The enrollment is read as enrollment reads it
 * (its facade's attributes and key), on the enrollment's unique key.
 */
export async function readCoursesForOrder(
  strapi: Core.Strapi,
  buyerId: number,
  courseDocumentIds: readonly string[]
): Promise<CourseForOrder[]> {
  const paid = paidItemsStatement(strapi, buyerId, courseDocumentIds);
  const columns = ['documentId', 'title', 'price', 'currency', 'locale', 'publishedAt'] as const;
  const documentIdColumn = columnOf(strapi, COURSE, 'documentId');
  const { rows } = await runSql<Record<string, unknown>>(
    strapi,
    `SELECT ${columns.map(() => 'c.?? AS ??').join(', ')}, ${ENROLLMENT_RECORD_ATTRIBUTES.map(() => 'e.?? AS ??').join(', ')},
       CASE WHEN c.?? IN (${paid.sql}) THEN 1 ELSE 0 END AS "isPurchased"
     FROM ?? c
     LEFT JOIN ?? e ON e."key" = CASE c.?? ${courseDocumentIds.map(() => 'WHEN ? THEN ?').join(' ')} END
     WHERE c.?? IN (${courseDocumentIds.map(() => '?').join(', ')})`,
    [
      ...columns.flatMap((attribute) => [columnOf(strapi, COURSE, attribute), attribute]),
      ...ENROLLMENT_RECORD_ATTRIBUTES.flatMap((attribute) => [
        columnOf(strapi, ENROLLMENT, attribute),
        `enrollment_${attribute}`,
      ]),
      documentIdColumn,
      ...paid.bindings,
      tableOf(strapi, COURSE),
      tableOf(strapi, ENROLLMENT),
      documentIdColumn,
      ...courseDocumentIds.flatMap((courseDocumentId) => [courseDocumentId, enrollmentKey(buyerId, courseDocumentId)]),
      documentIdColumn,
      ...courseDocumentIds,
    ]
  );
  return rows.map((row) => ({
    documentId: row.documentId as string,
    title: (row.title as string | null) ?? null,
    price: row.price,
    currency: (row.currency as string | null) ?? null,
    locale: (row.locale as string | null) ?? null,
    publishedAt: row.publishedAt,
    isPurchased: Number(row.isPurchased) === 1,
    enrollment:
      row.enrollment_id === null || row.enrollment_id === undefined
        ? null
        : enrollmentFromRow(
            Object.fromEntries(
              ENROLLMENT_RECORD_ATTRIBUTES.map((attribute) => [attribute, row[`enrollment_${attribute}`]])
            )
          ),
  }));
}

/**
 * The course documentIds, among these, of the items of a buyer's paid (or partly refunded) orders, taken from the
 * buyer's own orders (a handful) whatever the planner believes about the tables: the query engine's join from the
 * items ran for seconds once the orders had grown since the last ANALYZE (a nested loop over every paid order for each
 * of the course's items). A SELECT of one column, for a subquery or `LIMIT 1`.
 */
export function paidItemsStatement(
  strapi: Core.Strapi,
  buyerId: number,
  courseDocumentIds: readonly string[]
): SqlStatement {
  const mine = buyersOrders(strapi, buyerId);
  const items = linkOf(strapi, ORDER_ITEM, 'order');
  return {
    sql: `${mine.sql}
       SELECT i.?? AS "courseDocumentId" FROM mine
         JOIN ?? o ON o."id" = mine."order_id"
         JOIN ?? l ON l.?? = o."id"
         JOIN ?? i ON i."id" = l.??
       WHERE o.?? IN (${PAID_STATUSES.map(() => '?').join(', ')}) AND i.?? IN (${courseDocumentIds.map(() => '?').join(', ')})`,
    bindings: [
      ...mine.bindings,
      columnOf(strapi, ORDER_ITEM, 'courseDocumentId'),
      tableOf(strapi, ORDER),
      items.table,
      items.targetColumn,
      tableOf(strapi, ORDER_ITEM),
      items.ownColumn,
      columnOf(strapi, ORDER, 'status'),
      ...PAID_STATUSES,
      columnOf(strapi, ORDER_ITEM, 'courseDocumentId'),
      ...courseDocumentIds,
    ],
  };
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
 * four on SQLite (run it inside the caller's transaction). Answers the new row's id and documentId, and the buyer's
 * other pending orders holding any of its courses as they were before the write (pendingOrdersHolding, which a new
 * order replaces): read by the same statement on PostgreSQL (its snapshot is the write's, taken after the caller's
 * buyer lock), by one more before the write on SQLite.
 */
export async function insertOrder(
  strapi: Core.Strapi,
  order: NewOrder,
  now: Date
): Promise<{ id: number; documentId: string; pendingDocumentIds: string[] }> {
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

  const courseDocumentIds = order.items.map((item) => item.courseDocumentId);
  if (isPostgres(strapi)) {
    const pending = pendingHoldingStatement(strapi, order.buyerId, courseDocumentIds);
    const { rows } = await runSql<{ id: unknown; pending: string[] | null }>(
      strapi,
      `WITH created AS (${insertOrderSql}),
       buyer_link AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created),
       items AS (${insertItemsSql}),
       item_links AS (INSERT INTO ?? (${linkColumns}) SELECT items.id, created.id${itemOrderColumn ? ', items.position + 1' : ''} FROM items, created),
       pending AS (${pending.sql})
       SELECT id, ARRAY(SELECT "documentId" FROM pending ORDER BY "orderId") AS pending FROM created`,
      [
        ...orderBindings,
        buyerLink.table,
        buyerLink.ownColumn,
        buyerLink.targetColumn,
        order.buyerId,
        ...itemBindings,
        itemLink.table,
        ...linkColumnBindings,
        ...pending.bindings,
      ]
    );
    return { id: Number(rows[0].id), documentId, pendingDocumentIds: rows[0].pending ?? [] };
  }
  const pendingDocumentIds = await pendingOrdersHolding(strapi, order.buyerId, courseDocumentIds);
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
  return { id, documentId, pendingDocumentIds };
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
  courseDocumentIds: readonly string[]
): Promise<string[]> {
  const pending = pendingHoldingStatement(strapi, buyerId, courseDocumentIds);
  const { rows } = await runSql<{ documentId: string }>(strapi, `${pending.sql} ORDER BY o.id`, pending.bindings);
  return rows.map((row) => row.documentId);
}

/** pendingOrdersHolding's SELECT (`documentId`, `orderId`), unordered: alone, or as a CTE of insertOrder's statement. */
function pendingHoldingStatement(
  strapi: Core.Strapi,
  buyerId: number,
  courseDocumentIds: readonly string[]
): SqlStatement {
  const mine = buyersOrders(strapi, buyerId);
  const itemLink = linkOf(strapi, ORDER_ITEM, 'order');
  return {
    sql: `${mine.sql}
     SELECT o.document_id AS "documentId", o.id AS "orderId" FROM mine JOIN ?? o ON o.id = mine."order_id"
     WHERE o.?? = 'pending' AND EXISTS (
       SELECT 1 FROM ?? l JOIN ?? i ON i.id = l.?? WHERE l.?? = o.id AND i.?? IN (${courseDocumentIds.map(() => '?').join(', ')})
     )`,
    bindings: [
      ...mine.bindings,
      tableOf(strapi, ORDER),
      columnOf(strapi, ORDER, 'status'),
      itemLink.table,
      tableOf(strapi, ORDER_ITEM),
      itemLink.ownColumn,
      itemLink.targetColumn,
      columnOf(strapi, ORDER_ITEM, 'courseDocumentId'),
      ...courseDocumentIds,
    ],
  };
}

/**
 * `WITH mine AS MATERIALIZED (…)`: the ids (`order_id`) of a buyer's orders, read first from the buyer's link (a
 * handful of rows), so a question about them never starts from every order's items.
 */
function buyersOrders(strapi: Core.Strapi, buyerId: number): SqlStatement {
  const buyerLink = linkOf(strapi, ORDER, 'buyer');
  return {
    sql: 'WITH mine AS MATERIALIZED (SELECT ?? AS "order_id" FROM ?? WHERE ?? = ?)',
    bindings: [buyerLink.ownColumn, buyerLink.table, buyerLink.targetColumn, buyerId],
  };
}
