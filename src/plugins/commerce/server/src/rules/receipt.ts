import { toMajor } from './money';

/** What a receipt shows of an order (money in minor units). */
export interface ReceiptOrder {
  number: string;
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  couponCode: string | null;
  provider: string;
  providerReference: string | null;
  paidAt: string | null;
  items: ReadonlyArray<{ title: string; unitPrice: number }>;
}

const WORDS = {
  en: {
    subject: (number: string) => `Your receipt for order ${number}`,
    hello: (name: string) => `Hello ${name},`,
    thanks: 'thank you for your purchase. Your courses are open to you now.',
    order: 'Order',
    subtotal: 'Subtotal',
    discount: 'Discount',
    coupon: 'coupon',
    total: 'Total paid',
    paidThrough: 'Paid through',
    reference: 'payment reference',
    paidAt: 'Paid at',
    free: 'free (no payment needed)',
  },
  ru: {
    subject: (number: string) => `Ваш чек по заказу ${number}`,
    hello: (name: string) => `Здравствуйте, ${name}!`,
    thanks: 'Спасибо за покупку. Курсы уже открыты для вас.',
    order: 'Заказ',
    subtotal: 'Сумма',
    discount: 'Скидка',
    coupon: 'купон',
    total: 'Оплачено',
    paidThrough: 'Способ оплаты',
    reference: 'номер платежа',
    paidAt: 'Дата оплаты',
    free: 'бесплатно (оплата не требовалась)',
  },
} as const;

/** The receipt a buyer gets by mail, in their language (`en`, `ru`): number, items, total, provider reference. */
export function receiptMail(
  order: ReceiptOrder,
  buyer: { name: string; locale: string }
): { subject: string; text: string } {
  const words = buyer.locale === 'ru' ? WORDS.ru : WORDS.en;
  const money = (minor: number) => `${toMajor(minor, order.currency)} ${order.currency}`;
  const lines = [
    words.hello(buyer.name),
    words.thanks,
    '',
    `${words.order} ${order.number}`,
    ...order.items.map((item) => `- ${item.title}: ${money(item.unitPrice)}`),
    '',
    `${words.subtotal}: ${money(order.subtotal)}`,
    ...(order.discount > 0
      ? [
          `${words.discount}: -${money(order.discount)}${order.couponCode ? ` (${words.coupon} ${order.couponCode})` : ''}`,
        ]
      : []),
    `${words.total}: ${money(order.total)}`,
    order.provider === 'free'
      ? `${words.paidThrough}: ${words.free}`
      : `${words.paidThrough}: ${order.provider}${order.providerReference ? `, ${words.reference} ${order.providerReference}` : ''}`,
    ...(order.paidAt ? [`${words.paidAt}: ${order.paidAt.slice(0, 16).replace('T', ' ')} UTC`] : []),
  ];
  return { subject: words.subject(order.number), text: lines.join('\n') };
}

const LATE_REFUND_WORDS = {
  en: {
    subject: (number: string) => `Your payment for order ${number} is refunded`,
    hello: (name: string) => `Hello ${name},`,
    why: (number: string) =>
      `your payment for order ${number} reached us after the order had expired, and its seats were taken meanwhile (or you had bought the course again).`,
    back: (amount: string) => `We have refunded all of it: ${amount}. Your bank shows it within a few days.`,
    items: 'The order held:',
  },
  ru: {
    subject: (number: string) => `Оплата заказа ${number} возвращена`,
    hello: (name: string) => `Здравствуйте, ${name}!`,
    why: (number: string) =>
      `оплата заказа ${number} пришла после того, как срок заказа истёк, а места за это время заняли (или вы уже купили курс снова).`,
    back: (amount: string) => `Мы вернули всю сумму: ${amount}. Банк покажет возврат в течение нескольких дней.`,
    items: 'В заказе было:',
  },
} as const;

/** The mail of a late payment given back (services/late-payments.ts), in the buyer's language (`en`, `ru`). */
export function lateRefundMail(
  order: Pick<ReceiptOrder, 'number' | 'currency' | 'total' | 'items'>,
  buyer: { name: string; locale: string }
): { subject: string; text: string } {
  const words = buyer.locale === 'ru' ? LATE_REFUND_WORDS.ru : LATE_REFUND_WORDS.en;
  const lines = [
    words.hello(buyer.name),
    words.why(order.number),
    words.back(`${toMajor(order.total, order.currency)} ${order.currency}`),
    '',
    words.items,
    ...order.items.map((item) => `- ${item.title}`),
  ];
  return { subject: words.subject(order.number), text: lines.join('\n') };
}

/** The one line a receipt of a partial refund lists (54-FZ, YooKassa), in the buyer's language (`en`, `ru`). */
export function partialRefundLine(orderNumber: string, locale: string): string {
  return locale === 'ru' ? `Возврат по заказу ${orderNumber}` : `Refund, order ${orderNumber}`;
}
