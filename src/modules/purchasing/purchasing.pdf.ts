import PDFDocument from 'pdfkit';
import type { PurchaseOrderView } from './purchasing.schemas.ts';

/**
 * The purchase order as the document sent to the supplier (seed 001: remarks are "printed on
 * purchase order"; language "used for communication with supplier, 'nl' or 'en'").
 */

type Language = 'nl' | 'en';

const LABELS = {
  en: {
    title: 'Purchase order',
    number: 'Purchase order number',
    date: 'Date',
    delivery: 'Expected delivery',
    supplier: 'Supplier',
    supplierOrder: 'Your order number',
    deliverTo: 'Deliver to',
    code: 'Product code',
    supplierCode: 'Your code',
    product: 'Product',
    amount: 'Amount',
    price: 'Price',
    total: 'Total',
    remarks: 'Remarks',
    status: 'Status',
  },
  nl: {
    title: 'Inkooporder',
    number: 'Inkoopordernummer',
    date: 'Datum',
    delivery: 'Verwachte levering',
    supplier: 'Leverancier',
    supplierOrder: 'Uw ordernummer',
    deliverTo: 'Afleveren bij',
    code: 'Productcode',
    supplierCode: 'Uw code',
    product: 'Product',
    amount: 'Aantal',
    price: 'Prijs',
    total: 'Totaal',
    remarks: 'Opmerkingen',
    status: 'Status',
  },
} satisfies Record<Language, Record<string, string>>;

const STATUS: Record<Language, Record<string, string>> = {
  en: { concept: 'concept', purchased: 'purchased', received: 'received', cancelled: 'cancelled' },
  nl: { concept: 'concept', purchased: 'besteld', received: 'ontvangen', cancelled: 'geannuleerd' },
};

export interface PdfParty {
  name: string;
  lines: string[];
}

/** Renders the purchase order; the text stays uncompressed so it can be searched in the bytes. */
export function renderPurchaseOrderPdf(
  po: PurchaseOrderView,
  supplier: PdfParty,
  warehouse: PdfParty,
): Promise<Buffer> {
  const lang: Language = po.language === 'nl' ? 'nl' : 'en';
  const t = LABELS[lang];
  const money = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: false,
    info: { Title: `${t.title} ${po.purchaseorderid}`, Creator: 'Stockroom' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(20).text(`${t.title} ${po.purchaseorderid}`);
  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  const field = (label: string, value: string | null) => {
    if (value) doc.text(`${label}: ${value}`);
  };
  field(t.number, po.purchaseorderid);
  field(t.date, po.created.slice(0, 10));
  field(t.delivery, po.delivery_date);
  field(t.supplierOrder, po.supplier_orderid);
  field(t.status, STATUS[lang][po.status] ?? po.status);

  const top = doc.moveDown(1).y;
  const party = (label: string, p: PdfParty, x: number) => {
    doc.font('Helvetica-Bold').text(label, x, top, { width: 230 });
    doc.font('Helvetica').text([p.name, ...p.lines].join('\n'), x, doc.y, { width: 230 });
    return doc.y;
  };
  const bottom = Math.max(party(t.supplier, supplier, 50), party(t.deliverTo, warehouse, 310));
  doc.y = bottom + 20;

  const cols = [
    { label: t.code, x: 50, w: 80 },
    { label: t.supplierCode, x: 130, w: 70 },
    { label: t.product, x: 200, w: 170 },
    { label: t.amount, x: 370, w: 50, right: true },
    { label: t.price, x: 420, w: 60, right: true },
    { label: t.total, x: 480, w: 65, right: true },
  ];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    let next = y;
    cells.forEach((c, i) => {
      const col = cols[i]!;
      doc.text(c, col.x, y, { width: col.w, align: col.right ? 'right' : 'left' });
      next = Math.max(next, doc.y);
    });
    doc.y = next + 4;
    if (doc.y > doc.page.height - 100) doc.addPage();
  };
  row(
    cols.map((c) => c.label),
    true,
  );
  let total = 0;
  for (const l of po.products) {
    total += l.price * l.amount;
    row([
      l.productcode,
      l.productcode_supplier ?? '',
      l.delivery_date ? `${l.name} (${t.delivery.toLowerCase()} ${l.delivery_date})` : l.name,
      String(l.amount),
      money.format(l.price),
      money.format(l.price * l.amount),
    ]);
  }
  row(['', '', '', '', t.total, money.format(total)], true);

  if (po.remarks) {
    doc.moveDown(1).font('Helvetica-Bold').text(t.remarks, 50, doc.y);
    doc.font('Helvetica').text(po.remarks, 50, doc.y, { width: 495 });
  }
  doc.end();
  return done;
}
