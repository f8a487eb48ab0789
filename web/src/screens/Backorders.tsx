import { useState } from 'preact/hooks';
import { get, post, productByCode, q, type Backorder, type Picklist, type Product } from '../api.ts';
import { useT } from '../i18n.ts';
import { Badge, Empty, Field, Loading, Notice, Section, useLoad, useSubmit } from '../ui.tsx';
import { useWarehouse } from '../warehouse.ts';

const LEVEL_RANK: Record<string, number> = { rush: 0, expedited: 1, standard: 2 };

/** The queue in the order stock goes to it: priority level, then priority, then age. */
export function queueOrder(a: Backorder, b: Backorder): number {
  return (
    (LEVEL_RANK[a.priority_level] ?? 9) - (LEVEL_RANK[b.priority_level] ?? 9) ||
    a.priority - b.priority ||
    a.idbackorder - b.idbackorder
  );
}

export function Backorders() {
  const t = useT();
  const { params } = useWarehouse();
  const [code, setCode] = useState('');
  const [product, setProduct] = useState<Product | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const find = useSubmit({ code: [] }, 'code');
  const all = useSubmit({ all: [] }, 'all');
  const idproduct = product?.idproduct ?? (params[0] ? Number(params[0]) : undefined);

  return (
    <div class="screen">
      <h1>{t('nav_backorders')}</h1>
      <div class="grid">
        <Section title={t('backorder_queue')}>
          <p>{t('queue_intro')}</p>
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void find.run(async () => setProduct(await productByCode(code)));
            }}
          >
            <Field
              label={t('productcode')}
              value={code}
              onValue={setCode}
              error={find.errors.code}
              autocomplete="off"
            />
            <button type="submit">{t('show_queue')}</button>
          </form>
        </Section>
        <Section title={t('process_all')}>
          <button
            type="button"
            disabled={all.busy}
            onClick={() =>
              void all.run(async () => {
                const lists = await post<Picklist[]>('/backorders/process');
                setNotice(t('processed_n', { n: lists.length }));
              })
            }
          >
            {t('process_all')}
          </button>
          <Notice message={all.errors.all} kind="error" />
          <Notice message={notice} />
        </Section>
      </div>
      {idproduct !== undefined && (
        <Queue idproduct={idproduct} title={product?.productcode ?? `#${idproduct}`} />
      )}
    </div>
  );
}

function Queue({ idproduct, title }: { idproduct: number; title: string }) {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const queue = useLoad(async () => {
    const rows = await get<Backorder[]>(`/backorders${q({ idproduct })}`);
    const here = rows
      .filter((b) => b.idwarehouse === idwarehouse)
      .sort(queueOrder)
      .slice(0, 100);
    // Lists leave date_available out (as Picqer's do); a backorder's own answer has it. Only the
    // head of the queue is read one by one, to stay far below the rate limit on live reloads.
    const head = await Promise.all(
      here.slice(0, 20).map((b) => get<Backorder>(`/backorders/${b.idbackorder}`)),
    );
    return [...head, ...here.slice(20)];
  }, [idproduct, idwarehouse]);
  if (!queue.data) return <Loading error={queue.error} />;
  return (
    <Section title={`${t('backorder_queue')} · ${title}`}>
      {queue.data.length === 0 ? (
        <Empty>{t('no_backorders')}</Empty>
      ) : (
        <div class="scroll">
          <table data-testid="backorder-queue">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('order')}</th>
                <th scope="col" class="num">
                  {t('amount')}
                </th>
                <th scope="col" class="num">
                  {t('available')}
                </th>
                <th scope="col">{t('date_available')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('priority')}</th>
                <th scope="col">{t('estimate')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.data.map((b, i) => (
                <Row key={b.idbackorder} b={b} position={i + 1} reload={queue.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Row({ b, position, reload }: { b: Backorder; position: number; reload: () => void }) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [ship, setShip] = useState(b.estimated_ship_date ?? '');
  const [delivery, setDelivery] = useState(b.estimated_delivery_date ?? '');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const action = useSubmit({ ship: ['ship'], delivery: ['delivery'], row: [] }, 'row');
  const act = (path: string, message = t('done')) =>
    void action.run(async () => {
      await post(path);
      setNotice(message);
      reload();
    });
  return (
    <tr data-testid={`backorder-${b.idbackorder}`}>
      <td>{position}</td>
      <td>
        <a href={`#/orders/${b.idorder}`}>#{b.idorder}</a>
      </td>
      <td class="num">{b.amount}</td>
      <td class="num" data-testid="amount-available">
        {b.amount_available}
      </td>
      <td>{b.date_available ?? '—'}</td>
      <td>
        <Badge value={b.status} />
      </td>
      <td>
        {b.priority_level} {b.priority}
      </td>
      <td>
        {b.estimated_ship_date ?? '—'} / {b.estimated_delivery_date ?? '—'}
      </td>
      <td class="actions">
        <button type="button" class="small" onClick={() => act(`/orders/${b.idorder}/prioritise`)}>
          {t('prioritise')}
        </button>
        <button type="button" class="small" onClick={() => act(`/orders/${b.idorder}/process-backorders`)}>
          {t('process_order')}
        </button>
        <button type="button" class="small" onClick={() => act(`/backorders/${b.idbackorder}/confirm`)}>
          {t('confirm')}
        </button>
        <button
          type="button"
          class="small"
          onClick={() =>
            void action.run(async () => {
              // The answer is the backorder; the outcome (sent, failed, skipped: no SMTP) is its newest
              // notification.
              await post(`/backorders/${b.idbackorder}/notify-customer`);
              const all = await get<{ status: string; error: string | null }[]>(
                `/backorders/${b.idbackorder}/notifications`,
              );
              const n = all[all.length - 1];
              if (n) setNotice(t('notified', { status: n.status, error: n.error ? `: ${n.error}` : '' }));
            })
          }
        >
          {t('notify')}
        </button>
        <button
          type="button"
          class="small secondary"
          onClick={() => setEditing(!editing)}
          aria-expanded={editing}
        >
          {t('update_estimate')}
        </button>
        <button type="button" class="small danger" onClick={() => act(`/backorders/${b.idbackorder}/cancel`)}>
          {t('cancel')}
        </button>
        {editing && (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void action.run(async () => {
                await post(`/backorders/${b.idbackorder}/update-estimate`, {
                  estimated_ship_date: ship || null,
                  estimated_delivery_date: delivery || null,
                });
                setEditing(false);
                reload();
              });
            }}
          >
            <Field
              label={t('ship_date')}
              type="date"
              value={ship}
              onValue={setShip}
              error={action.errors.ship}
            />
            <Field
              label={t('delivery_date')}
              type="date"
              value={delivery}
              onValue={setDelivery}
              error={action.errors.delivery}
            />
            <button type="submit" class="small">
              {t('save')}
            </button>
          </form>
        )}
        <Notice message={action.errors.row} kind="error" />
        <Notice message={notice} />
      </td>
    </tr>
  );
}
