/**
 * The customer e-mail about a backorder, in Dutch or English. Pure: input in, subject and text out.
 */

export type Language = 'nl' | 'en';

export interface BackorderMessageInput {
  idbackorder: number;
  customer: { name: string; emailaddress: string | null; language: string | null };
  product: { productcode: string; name: string };
  amount: number;
  /** The backorder lifecycle status: pending, confirmed, in-production, in-transit, fulfilled, cancelled. */
  status: string;
  estimated_ship_date: string | null;
  estimated_delivery_date: string | null;
  /** An optional note from the shop, added to the message as written. */
  message?: string | null;
}

export interface RenderedMessage {
  language: Language;
  subject: string;
  text: string;
}

/** nl for Dutch customers (nl, nl-NL, nl_BE, ...), English for everyone else. */
export function languageOf(language: string | null | undefined): Language {
  return /^nl([-_]|$)/i.test(language?.trim() ?? '') ? 'nl' : 'en';
}

interface Words {
  subject: (id: number, product: string) => string;
  greeting: (name: string) => string;
  intro: (id: number) => string;
  product: string;
  amount: string;
  status: string;
  shipDate: string;
  deliveryDate: string;
  unknownDate: string;
  statuses: Record<string, [label: string, sentence: string]>;
  closing: string;
  locale: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    subject: (id, product) => `Update on your backorder ${id}: ${product}`,
    greeting: (name) => `Dear ${name},`,
    intro: (id) => `Here is an update on your backorder ${id}.`,
    product: 'Product',
    amount: 'Amount',
    status: 'Status',
    shipDate: 'Estimated ship date',
    deliveryDate: 'Estimated delivery date',
    unknownDate: 'not known yet',
    statuses: {
      pending: ['Waiting for stock', 'We are waiting for new stock of this product.'],
      confirmed: ['Confirmed', 'Your backorder is confirmed with our supplier.'],
      'in-production': ['In production', 'The product is being made.'],
      'in-transit': ['In transit', 'The product is on its way to our warehouse.'],
      processed: ['Being prepared', 'The product has arrived and we are preparing your shipment.'],
      fulfilled: ['Shipped', 'The product has been shipped to you.'],
      cancelled: ['Cancelled', 'Your backorder has been cancelled.'],
    },
    closing: 'Kind regards,',
    locale: 'en-GB',
  },
  nl: {
    subject: (id, product) => `Update over uw nabestelling ${id}: ${product}`,
    greeting: (name) => `Beste ${name},`,
    intro: (id) => `Hierbij een update over uw nabestelling ${id}.`,
    product: 'Product',
    amount: 'Aantal',
    status: 'Status',
    shipDate: 'Verwachte verzenddatum',
    deliveryDate: 'Verwachte leverdatum',
    unknownDate: 'nog niet bekend',
    statuses: {
      pending: ['Wacht op voorraad', 'We wachten op nieuwe voorraad van dit product.'],
      confirmed: ['Bevestigd', 'Uw nabestelling is bevestigd bij onze leverancier.'],
      'in-production': ['In productie', 'Het product wordt gemaakt.'],
      'in-transit': ['Onderweg', 'Het product is onderweg naar ons magazijn.'],
      processed: ['In behandeling', 'Het product is binnen en we maken uw zending klaar.'],
      fulfilled: ['Verzonden', 'Het product is naar u verzonden.'],
      cancelled: ['Geannuleerd', 'Uw nabestelling is geannuleerd.'],
    },
    closing: 'Met vriendelijke groet,',
    locale: 'nl-NL',
  },
};

/** "12 March 2025" / "12 maart 2025"; the text as given when it is not a YYYY-MM-DD date. */
function formatDate(date: string | null, w: Words): string {
  if (!date) return w.unknownDate;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(w.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

/**
 * Renders the backorder update for the customer's language.
 *
 * @example
 * renderBackorderMessage({ idbackorder: 7, customer: { name: 'Anna', emailaddress: 'a@x.nl', language: 'nl' },
 *   product: { productcode: 'TSHIRT-M', name: 'T-shirt' }, amount: 2, status: 'confirmed',
 *   estimated_ship_date: '2025-03-12', estimated_delivery_date: null }).subject
 * // 'Update over uw nabestelling 7: T-shirt'
 */
export function renderBackorderMessage(input: BackorderMessageInput): RenderedMessage {
  const language = languageOf(input.customer.language);
  const w = WORDS[language];
  const status = input.status.toLowerCase().replace(/_/g, '-');
  const [label, sentence] = w.statuses[status] ?? [input.status, ''];
  const lines = [
    w.greeting(input.customer.name),
    '',
    w.intro(input.idbackorder),
    '',
    `${w.product}: ${input.product.name} (${input.product.productcode})`,
    `${w.amount}: ${input.amount}`,
    `${w.status}: ${label}`,
    `${w.shipDate}: ${formatDate(input.estimated_ship_date, w)}`,
    `${w.deliveryDate}: ${formatDate(input.estimated_delivery_date, w)}`,
    '',
    ...(sentence ? [sentence, ''] : []),
    ...(input.message?.trim() ? [input.message.trim(), ''] : []),
    w.closing,
  ];
  return {
    language,
    subject: w.subject(input.idbackorder, input.product.name),
    text: lines.join('\n') + '\n',
  };
}
