import { useState } from 'preact/hooks';
import {
  api,
  get,
  getAll,
  post,
  productByCode,
  q,
  type Backorder,
  type Order,
  type Party,
  type Picklist,
  type Product,
} from '../api.ts';
import { useT } from '../i18n.ts';
import { Badge, Empty, Field, Loading, Notice, Section, Select, useLoad, useSubmit } from '../ui.tsx';
import { useWarehouse } from '../warehouse.ts';

/** Orders: create one, process it, see its picklists and backorders. */
export function Orders() {
  const t = useT();
  const { params } = useWarehouse();
  const idorder = params[0] ? Number(params[0]) : undefined;
  return (
    <div class="screen">
      <h1>{t('orders')}</h1>
      {idorder !== undefined ? (
        <OrderDetail idorder={idorder} />
      ) : (
        <div class="grid">
          <NewOrder />
          <OrderList />
        </div>
      )}
    </div>
  );
}

function OrderList() {
  const t = useT();
  const orders = useLoad(() => getAll<Order>('/orders', 3), []);
  if (!orders.data) return <Loading error={orders.error} />;
  const rows = orders.data.slice(-25).reverse();
  return (
    <Section title={t('orders')}>
      {rows.length === 0 ? (
        <Empty>{t('no_orders')}</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('order')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col" class="num">
                {t('lines')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.idorder}>
                <td>
                  <a href={`#/orders/${o.idorder}`}>{o.orderid}</a>
                </td>
                <td>
                  <Badge value={o.status} />
                </td>
                <td class="num">{o.products.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

interface Line {
  product: Product;
  amount: number;
}

function NewOrder() {
  const t = useT();
  const customers = useLoad(() => getAll<Party>('/customers', 3), [], false);
  const [idcustomer, setIdcustomer] = useState('');
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('1');
  const [lines, setLines] = useState<Line[]>([]);
  const add = useSubmit({ code: ['product'], amount: ['amount'] }, 'code');
  const create = useSubmit({ lines: [] }, 'lines');
  return (
    <Section title={t('new_order')}>
      <Select
        label={t('customer')}
        value={idcustomer}
        onValue={setIdcustomer}
        options={[
          { value: '', label: t('no_customer') },
          ...(customers.data ?? []).map((c) => ({ value: String(c.idcustomer), label: c.name })),
        ]}
      />
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run(async () => {
            const product = await productByCode(code);
            setLines([...lines, { product, amount: Number(amount) }]);
            setCode('');
            setAmount('1');
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
      <h3>{t('lines')}</h3>
      {lines.length === 0 ? (
        <Empty>{t('no_lines')}</Empty>
      ) : (
        <ul class="lines">
          {lines.map((l, i) => (
            <li key={i}>
              {l.amount} × <strong>{l.product.productcode}</strong> {l.product.name}{' '}
              <button
                type="button"
                class="small secondary"
                onClick={() => setLines(lines.filter((_, j) => j !== i))}
              >
                {t('remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        disabled={create.busy}
        onClick={() =>
          void create.run(async () => {
            const order = await post<Order>('/orders', {
              ...(idcustomer ? { idcustomer: Number(idcustomer) } : {}),
              products: lines.map((l) => ({ idproduct: l.product.idproduct, amount: l.amount })),
            });
            window.location.hash = `#/orders/${order.idorder}`;
          })
        }
      >
        {t('create_order')}
      </button>
      <Notice message={create.errors.lines} kind="error" />
    </Section>
  );
}

function OrderDetail({ idorder }: { idorder: number }) {
  const t = useT();
  const data = useLoad(async () => {
    const [order, picklists, backorders] = await Promise.all([
      get<Order>(`/orders/${idorder}`),
      get<Picklist[]>(`/picklists${q({ idorder })}`),
      get<Backorder[]>(`/orders/${idorder}/backorders`),
    ]);
    return { order, picklists, backorders };
  }, [idorder]);
  const action = useSubmit({ order: [] }, 'order');
  const act = (method: string, path: string) =>
    void action.run(async () => {
      await api(method, path, method === 'DELETE' ? undefined : {});
      data.reload();
    });
  if (!data.data) return <Loading error={data.error} />;
  const { order, picklists, backorders } = data.data;
  return (
    <>
      <Section title={`${t('order')} ${order.orderid}`}>
        <p>
          {t('status')}: <Badge value={order.status} />
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('product')}</th>
              <th scope="col" class="num">
                {t('amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {order.products.map((l) => (
              <tr key={l.idorder_product}>
                <td>
                  <strong>{l.productcode}</strong> {l.name}
                </td>
                <td class="num">{l.amount}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="buttons">
          {(order.status === 'concept' || order.status === 'expected') && (
            <button type="button" onClick={() => act('POST', `/orders/${idorder}/process`)}>
              {t('process')}
            </button>
          )}
          {order.status === 'processing' && (
            <button
              type="button"
              class="secondary"
              onClick={() => act('POST', `/orders/${idorder}/prioritise`)}
            >
              {t('prioritise')}
            </button>
          )}
          {order.status === 'processing' && backorders.length > 0 && (
            <button
              type="button"
              class="secondary"
              onClick={() => act('POST', `/orders/${idorder}/process-backorders`)}
            >
              {t('process_order')}
            </button>
          )}
          {order.status !== 'cancelled' && order.status !== 'completed' && (
            <button type="button" class="danger" onClick={() => act('DELETE', `/orders/${idorder}`)}>
              {t('cancel')}
            </button>
          )}
        </div>
        <Notice message={action.errors.order} kind="error" />
      </Section>
      <div class="grid">
        <Section title={t('picklists')}>
          {picklists.length === 0 ? (
            <Empty>{t('no_picklists')}</Empty>
          ) : (
            <ul class="lines" data-testid="order-picklists">
              {picklists.map((p) => (
                <li key={p.idpicklist}>
                  <a href={`#/picklists/${p.idpicklist}`}>{p.picklistid}</a> <Badge value={p.status} />{' '}
                  {p.totalpicked}/{p.totalproducts}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title={t('backorders')}>
          {backorders.length === 0 ? (
            <Empty>{t('no_backorders')}</Empty>
          ) : (
            <table data-testid="order-backorders">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col" class="num">
                    {t('amount')}
                  </th>
                  <th scope="col" class="num">
                    {t('available')}
                  </th>
                  <th scope="col">{t('date_available')}</th>
                  <th scope="col">{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {backorders.map((b) => (
                  <tr key={b.idbackorder}>
                    <td>
                      <a href={`#/backorders/${b.idproduct}`}>{b.idbackorder}</a>
                    </td>
                    <td class="num">{b.amount}</td>
                    <td class="num">{b.amount_available}</td>
                    <td>{b.date_available ?? '—'}</td>
                    <td>
                      <Badge value={b.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}
