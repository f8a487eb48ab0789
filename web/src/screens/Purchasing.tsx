import { useState } from 'preact/hooks';
import {
  blobUrl,
  get,
  getAll,
  post,
  productByCode,
  type Party,
  type Product,
  type PurchaseOrder,
} from '../api.ts';
import { useT } from '../i18n.ts';
import { Badge, Empty, Field, Loading, Notice, Section, Select, useLoad, useSubmit } from '../ui.tsx';
import { useWarehouse } from '../warehouse.ts';

/** Purchase orders: create for a supplier, add lines, mark purchased, close, open the PDF. */
export function Purchasing() {
  const t = useT();
  const { params } = useWarehouse();
  const id = params[0] ? Number(params[0]) : undefined;
  return (
    <div class="screen">
      <h1>{t('purchase_orders')}</h1>
      {id !== undefined ? (
        <PurchaseOrderDetail idpurchaseorder={id} />
      ) : (
        <div class="grid">
          <NewPurchaseOrder />
          <PurchaseOrderList />
        </div>
      )}
    </div>
  );
}

/** A purchase order names its supplier by id (supplier_name is only set for one typed in). */
export function supplierName(po: PurchaseOrder, suppliers: Party[] | undefined): string {
  return suppliers?.find((s) => s.idsupplier === po.idsupplier)?.name ?? po.supplier_name ?? '—';
}

function PurchaseOrderList() {
  const t = useT();
  const list = useLoad(() => getAll<PurchaseOrder>('/purchaseorders', 3), []);
  const suppliers = useSuppliers();
  if (!list.data) return <Loading error={list.error} />;
  const rows = list.data.slice(-25).reverse();
  return (
    <Section title={t('purchase_orders')}>
      {rows.length === 0 ? (
        <Empty>{t('no_purchase_orders')}</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('purchase_order')}</th>
              <th scope="col">{t('supplier')}</th>
              <th scope="col">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((po) => (
              <tr key={po.idpurchaseorder}>
                <td>
                  <a href={`#/purchasing/${po.idpurchaseorder}`}>{po.purchaseorderid}</a>
                </td>
                <td>{supplierName(po, suppliers.data)}</td>
                <td>
                  <Badge value={po.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function useSuppliers() {
  return useLoad(() => getAll<Party>('/suppliers', 3), [], false);
}

function NewPurchaseOrder() {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const suppliers = useSuppliers();
  const [idsupplier, setIdsupplier] = useState('');
  const create = useSubmit({ supplier: ['supplier'] }, 'supplier');
  return (
    <Section title={t('new_purchase_order')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const po = await post<PurchaseOrder>('/purchaseorders', {
              ...(idsupplier ? { idsupplier: Number(idsupplier) } : {}),
              idwarehouse,
              products: [],
            });
            window.location.hash = `#/purchasing/${po.idpurchaseorder}`;
          });
        }}
      >
        <Select
          label={t('supplier')}
          value={idsupplier}
          onValue={setIdsupplier}
          error={create.errors.supplier}
          options={[
            { value: '', label: t('choose') },
            ...(suppliers.data ?? []).map((s) => ({ value: String(s.idsupplier), label: s.name })),
          ]}
        />
        <button type="submit" disabled={create.busy}>
          {t('create_purchase_order')}
        </button>
      </form>
    </Section>
  );
}

function PurchaseOrderDetail({ idpurchaseorder }: { idpurchaseorder: number }) {
  const t = useT();
  const po = useLoad(() => get<PurchaseOrder>(`/purchaseorders/${idpurchaseorder}`), [idpurchaseorder]);
  const suppliers = useSuppliers();
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const add = useSubmit({ code: ['product'], amount: ['amount'] }, 'amount');
  const action = useSubmit({ po: [] }, 'po');
  const act = (path: string) =>
    void action.run(async () => {
      po.setData(await post<PurchaseOrder>(path));
    });
  if (!po.data) return <Loading error={po.error} />;
  const p = po.data;
  const editable = p.status === 'concept' || p.status === 'purchased';
  return (
    <Section title={`${t('purchase_order')} ${p.purchaseorderid}`}>
      <p>
        {t('supplier')}: {supplierName(p, suppliers.data)} · {t('status')}: <Badge value={p.status} />
      </p>
      <table data-testid="po-lines">
        <thead>
          <tr>
            <th scope="col">{t('product')}</th>
            <th scope="col" class="num">
              {t('amount')}
            </th>
            <th scope="col" class="num">
              {t('received')}
            </th>
          </tr>
        </thead>
        <tbody>
          {p.products.map((l) => (
            <tr key={l.idpurchaseorder_product}>
              <td>
                <strong>{l.productcode}</strong> {l.name}
              </td>
              <td class="num">{l.amount}</td>
              <td class="num">{l.amountreceived}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {editable && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              const product: Product = await productByCode(code);
              const n = Number(amount);
              await post(`/purchaseorders/${idpurchaseorder}/products`, {
                idproduct: product.idproduct,
                amount: amount.trim() !== '' && Number.isFinite(n) ? n : amount,
              });
              setCode('');
              setAmount('');
              po.reload();
            });
          }}
        >
          <Field
            label={t('productcode')}
            value={code}
            onValue={setCode}
            error={add.errors.code}
            autocomplete="off"
          />
          <Field
            label={t('amount')}
            inputMode="numeric"
            value={amount}
            onValue={setAmount}
            error={add.errors.amount}
          />
          <button type="submit" class="secondary">
            {t('add_line')}
          </button>
        </form>
      )}
      <div class="buttons">
        {p.status === 'concept' && (
          <button type="button" onClick={() => act(`/purchaseorders/${idpurchaseorder}/mark-as-purchased`)}>
            {t('mark_purchased')}
          </button>
        )}
        {p.status === 'purchased' && (
          <a class="button" href={`#/receiving/po/${idpurchaseorder}`}>
            {t('receive')}
          </a>
        )}
        {p.status !== 'received' && p.status !== 'cancelled' && (
          <>
            {p.status === 'purchased' && (
              <button
                type="button"
                class="secondary"
                onClick={() => act(`/purchaseorders/${idpurchaseorder}/close`)}
              >
                {t('close')}
              </button>
            )}
            <button
              type="button"
              class="danger"
              onClick={() => act(`/purchaseorders/${idpurchaseorder}/cancel`)}
            >
              {t('cancel')}
            </button>
          </>
        )}
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void action.run(async () => {
              // The PDF needs the key, so it is fetched with the header and opened as a blob URL.
              const url = await blobUrl(`/purchaseorders/${idpurchaseorder}/pdf`);
              window.open(url, '_blank', 'noopener');
              setNotice(undefined);
            })
          }
        >
          {t('open_pdf')}
        </button>
      </div>
      <Notice message={action.errors.po} kind="error" />
      <Notice message={notice} />
    </Section>
  );
}
