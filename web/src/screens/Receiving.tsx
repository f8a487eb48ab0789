import { useEffect, useRef, useState } from 'preact/hooks';
import {
  get,
  getAll,
  post,
  productByCode,
  put,
  q,
  type Backorder,
  type ExpectedProduct,
  type Location,
  type PurchaseOrder,
  type Receipt,
} from '../api.ts';
import { useT } from '../i18n.ts';
import { Badge, Empty, Field, Loading, Notice, Section, Select, useLoad, useSubmit } from '../ui.tsx';
import { useWarehouse } from '../warehouse.ts';
import { supplierName, useSuppliers } from './Purchasing.tsx';

/**
 * Receiving against a purchase order or a supplier, scan-friendly: code + Enter, amount + Enter.
 * After each scan it shows which backorders the received stock filled (their amount_available rose).
 * Routes: #/receiving, #/receiving/po/<idpurchaseorder> (starts a receipt), #/receiving/<idreceipt>.
 */
export function Receiving() {
  const t = useT();
  const { params } = useWarehouse();
  const idreceipt = params[0] && params[0] !== 'po' ? Number(params[0]) : undefined;
  return (
    <div class="screen">
      <h1>{t('receiving')}</h1>
      {idreceipt !== undefined ? (
        <ReceiptView idreceipt={idreceipt} />
      ) : (
        <StartReceipt idpurchaseorder={params[0] === 'po' && params[1] ? params[1] : ''} />
      )}
    </div>
  );
}

function StartReceipt({ idpurchaseorder }: { idpurchaseorder: string }) {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const pos = useLoad(
    () => getAll<PurchaseOrder>(`/purchaseorders${q({ status: 'purchased' })}`, 3),
    [],
    false,
  );
  const suppliers = useSuppliers();
  const [choice, setChoice] = useState(idpurchaseorder ? `po:${idpurchaseorder}` : '');
  const start = useSubmit({ choice: [] }, 'choice');
  useEffect(() => {
    if (idpurchaseorder) setChoice(`po:${idpurchaseorder}`);
  }, [idpurchaseorder]);
  return (
    <Section title={t('start_receipt')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start.run(async () => {
            const [kind, id] = choice.split(':');
            const body =
              kind === 'po'
                ? { idpurchaseorder: Number(id) }
                : kind === 'supplier'
                  ? { idsupplier: Number(id), idwarehouse }
                  : {};
            const receipt = await post<Receipt>('/receipts', body);
            window.location.hash = `#/receiving/${receipt.idreceipt}`;
          });
        }}
      >
        <Select
          label={t('receive_against')}
          value={choice}
          onValue={setChoice}
          error={start.errors.choice}
          options={[
            { value: '', label: t('choose') },
            ...(pos.data ?? []).map((po) => ({
              value: `po:${po.idpurchaseorder}`,
              label: `${t('purchase_order')} ${po.purchaseorderid} (${supplierName(po, suppliers.data)})`,
            })),
            ...(suppliers.data ?? []).map((s) => ({
              value: `supplier:${s.idsupplier}`,
              label: `${t('supplier')} ${s.name}`,
            })),
          ]}
        />
        <button type="submit" disabled={start.busy}>
          {t('start_receipt')}
        </button>
      </form>
    </Section>
  );
}

interface Filled {
  idbackorder: number;
  idorder: number;
  amount: number;
  amount_available: number;
  added: number;
}

function ReceiptView({ idreceipt }: { idreceipt: number }) {
  const t = useT();
  const data = useLoad(async () => {
    const receipt = await get<Receipt>(`/receipts/${idreceipt}`);
    const [expected, locations] = await Promise.all([
      get<ExpectedProduct[]>(`/receipts/${idreceipt}/expected-products`),
      getAll<Location>(`/locations${q({ idwarehouse: receipt.idwarehouse })}`),
    ]);
    return { receipt, expected, locations };
  }, [idreceipt]);
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('');
  const [idlocation, setIdlocation] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [filled, setFilled] = useState<Filled[] | undefined>(undefined);
  const codeRef = useRef<HTMLInputElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const receive = useSubmit({ code: ['product'], amount: ['amount'], location: ['location'] }, 'amount');
  const complete = useSubmit({ receipt: [] }, 'receipt');
  if (!data.data) return <Loading error={data.error} />;
  const { receipt, expected, locations } = data.data;

  const waiting = async (idproduct: number) =>
    (await get<Backorder[]>(`/backorders${q({ idproduct })}`)).filter(
      (b) => b.idwarehouse === receipt.idwarehouse,
    );

  return (
    <>
      <Section title={`${t('receipt')} ${receipt.receiptid}`}>
        <p>
          {receipt.purchaseorder
            ? `${t('purchase_order')} ${receipt.purchaseorder.purchaseorderid}`
            : `${t('supplier')} ${receipt.supplier?.name ?? '—'}`}{' '}
          · <Badge value={receipt.status} />
        </p>
        {receipt.status === 'processing' && (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              setNotice(undefined);
              void receive.run(async () => {
                const line = expected.find((x) => x.productcode === code.trim());
                const idproduct = line?.idproduct ?? (await productByCode(code)).idproduct;
                const before = new Map(
                  (await waiting(idproduct)).map((b) => [b.idbackorder, b.amount_available]),
                );
                const n = Number(amount);
                await post(`/receipts/${idreceipt}/products`, {
                  idproduct,
                  amount: amount.trim() !== '' && Number.isFinite(n) ? n : amount,
                  ...(idlocation ? { idlocation: Number(idlocation) } : {}),
                  ...(line ? { idpurchaseorder_product: line.idpurchaseorder_product } : {}),
                });
                // Backorders that got stock from this receipt: those whose available amount rose.
                const after = await waiting(idproduct);
                setFilled(
                  after
                    .map((b) => ({ ...b, added: b.amount_available - (before.get(b.idbackorder) ?? 0) }))
                    .filter((b) => b.added > 0),
                );
                setNotice(t('received_n', { amount, code: code.trim() }));
                setCode('');
                setAmount('');
                data.reload();
                codeRef.current?.focus();
              });
            }}
          >
            <Field
              label={t('productcode')}
              hint={t('productcode_hint')}
              value={code}
              onValue={setCode}
              error={receive.errors.code}
              inputRef={codeRef}
              autocomplete="off"
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  amountRef.current?.focus();
                }
              }}
            />
            <Field
              label={t('amount')}
              inputMode="numeric"
              value={amount}
              onValue={setAmount}
              error={receive.errors.amount}
              inputRef={amountRef}
              autocomplete="off"
            />
            <Select
              label={t('location')}
              value={idlocation}
              onValue={setIdlocation}
              error={receive.errors.location}
              options={[
                { value: '', label: t('choose_location') },
                ...locations.map((l) => ({ value: String(l.idlocation), label: l.name })),
              ]}
            />
            <button type="submit" disabled={receive.busy}>
              {t('receive')}
            </button>
          </form>
        )}
        <Notice message={notice} />
        {filled && (
          <div class="filled" data-testid="filled-backorders">
            <h3>{t('filled_backorders')}</h3>
            {filled.length === 0 ? (
              <Empty>{t('none_filled')}</Empty>
            ) : (
              <ul class="lines">
                {filled.map((b) => (
                  <li key={b.idbackorder}>
                    #{b.idbackorder} · {t('order')} <a href={`#/orders/${b.idorder}`}>#{b.idorder}</a> · +
                    {b.added} ({`${b.amount_available}/${b.amount}`})
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </Section>
      <div class="grid">
        <Section title={t('expected')}>
          {expected.length === 0 ? (
            <Empty>—</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('product')}</th>
                  <th scope="col" class="num">
                    {t('expected')}
                  </th>
                  <th scope="col" class="num">
                    {t('received')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {expected.map((x) => (
                  <tr key={x.idpurchaseorder_product}>
                    <td>
                      <strong>{x.productcode}</strong> {x.name}
                    </td>
                    <td class="num">{x.amount_expected}</td>
                    <td class="num">{x.amount_received}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title={t('received')}>
          {receipt.products.length === 0 ? (
            <Empty>—</Empty>
          ) : (
            <ul class="lines" data-testid="receipt-lines">
              {receipt.products.map((l) => (
                <li key={l.idreceipt_product}>
                  {l.amount} × <strong>{l.productcode}</strong> {l.name}
                </li>
              ))}
            </ul>
          )}
          {receipt.status === 'processing' && (
            <button
              type="button"
              class="secondary"
              onClick={() =>
                void complete.run(async () => {
                  await put(`/receipts/${idreceipt}`, { status: 'completed' });
                  data.reload();
                })
              }
            >
              {t('complete_receipt')}
            </button>
          )}
          <Notice message={complete.errors.receipt} kind="error" />
        </Section>
      </div>
    </>
  );
}
