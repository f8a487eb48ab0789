import { useEffect, useRef, useState } from 'preact/hooks';
import {
  get,
  getAll,
  post,
  productByCode,
  q,
  type HistoryEntry,
  type Location,
  type Product,
  type StockEntry,
  type StockroomEvent,
  type WarehouseStock,
} from '../api.ts';
import { useT } from '../i18n.ts';
import { Empty, Field, Loading, Notice, Section, Select, useLoad, useSubmit } from '../ui.tsx';
import { useWarehouse } from '../warehouse.ts';
import { StockChart } from './StockChart.tsx';

/** Stock: find a product as one types, its stock per warehouse and location, change, move, history. */
export function Stock() {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const [product, setProduct] = useState<Product | undefined>(undefined);
  const locations = useLoad(() => getAll<Location>(`/locations${q({ idwarehouse })}`), [idwarehouse], false);

  return (
    <div class="screen">
      <h1>{t('nav_stock')}</h1>
      <div class="grid">
        <ProductSearch onPick={setProduct} />
        <ChangeForm product={product} onProduct={setProduct} locations={locations.data ?? []} />
      </div>
      {product ? (
        <>
          <div class="grid">
            <StockTables product={product} />
            <MoveForm product={product} locations={locations.data ?? []} />
          </div>
          <History product={product} />
        </>
      ) : (
        <Empty>{t('select_product_first')}</Empty>
      )}
    </div>
  );
}

/** Stock numbers change only with events about the product itself (products.stock_changed, ...). */
const aboutProduct = (product: Product) => (e: StockroomEvent) =>
  e.resource_type === 'product' && e.resource_id === product.idproduct;

function ProductSearch({ onPick }: { onPick: (p: Product) => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Product[] | undefined>(undefined);
  useEffect(() => {
    if (text.trim() === '') {
      setResults(undefined);
      return;
    }
    // As one types: wait for a pause, and ignore answers to older texts.
    let current = true;
    const timer = setTimeout(() => {
      get<Product[]>(`/products${q({ search: text.trim() })}`).then(
        (rows) => current && setResults(rows.slice(0, 20)),
        () => current && setResults([]),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);
  return (
    <Section title={t('products')}>
      <Field
        label={t('find_product')}
        hint={t('find_product_hint')}
        type="search"
        value={text}
        onValue={setText}
        autocomplete="off"
      />
      {results && results.length === 0 && <Empty>{t('no_products')}</Empty>}
      {results && results.length > 0 && (
        <ul class="results" aria-label={t('find_product')}>
          {results.map((p) => (
            <li key={p.idproduct}>
              <button type="button" class="link" onClick={() => onPick(p)}>
                <strong>{p.productcode}</strong> {p.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function StockTables({ product }: { product: Product }) {
  const t = useT();
  const { warehouses, idwarehouse } = useWarehouse();
  const all = useLoad(
    () => get<StockEntry[]>(`/products/${product.idproduct}/stock`),
    [product.idproduct],
    aboutProduct(product),
  );
  const here = useLoad(
    () => get<WarehouseStock>(`/products/${product.idproduct}/stock/${idwarehouse}`),
    [product.idproduct, idwarehouse],
    aboutProduct(product),
  );
  const name = (id: number) => warehouses.find((w) => w.idwarehouse === id)?.name ?? `#${id}`;
  return (
    <Section title={`${product.productcode} · ${product.name}`}>
      <h3>{t('stock_per_warehouse')}</h3>
      {all.data ? (
        <table data-testid="stock-per-warehouse">
          <thead>
            <tr>
              <th scope="col">{t('warehouse')}</th>
              <th scope="col" class="num">
                {t('stock')}
              </th>
              <th scope="col" class="num">
                {t('reserved')}
              </th>
              <th scope="col" class="num">
                {t('free')}
              </th>
            </tr>
          </thead>
          <tbody>
            {all.data.map((s) => (
              <tr key={s.idwarehouse} class={s.idwarehouse === idwarehouse ? 'current' : ''}>
                <th scope="row">{name(s.idwarehouse)}</th>
                <td class="num" data-testid={`stock-${s.idwarehouse}`}>
                  {s.stock}
                </td>
                <td class="num">{s.reserved}</td>
                <td class="num" data-testid={`free-${s.idwarehouse}`}>
                  {s.freestock}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Loading error={all.error} />
      )}
      <h3>{t('stock_per_location')}</h3>
      {here.data ? (
        here.data.locations.length === 0 ? (
          <Empty>—</Empty>
        ) : (
          <table data-testid="stock-per-location">
            <thead>
              <tr>
                <th scope="col">{t('location')}</th>
                <th scope="col" class="num">
                  {t('stock')}
                </th>
                <th scope="col" class="num">
                  {t('reserved')}
                </th>
                <th scope="col" class="num">
                  {t('free')}
                </th>
              </tr>
            </thead>
            <tbody>
              {here.data.locations.map((l) => (
                <tr key={l.idlocation}>
                  <th scope="row">{l.name}</th>
                  <td class="num">{l.stock}</td>
                  <td class="num">{l.reserved_picklists}</td>
                  <td class="num">{l.free_stock}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <Loading error={here.error} />
      )}
    </Section>
  );
}

const locationOptions = (locations: Location[], none: string) => [
  { value: '', label: none },
  ...locations.map((l) => ({ value: String(l.idlocation), label: l.name })),
];

const STOCK_FIELDS = {
  code: ['productcode', 'no product'],
  amount: ['amount', 'change', 'stock', 'negative'],
  location: ['location'],
  reason: ['reason'],
};

/** Keyboard-first: scan or type a code + Enter, an amount + Enter books it. */
function ChangeForm({
  product,
  onProduct,
  locations,
}: {
  product: Product | undefined;
  onProduct: (p: Product) => void;
  locations: Location[];
}) {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<'change' | 'amount'>('change');
  const [amount, setAmount] = useState('');
  const [idlocation, setIdlocation] = useState('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const amountRef = useRef<HTMLInputElement>(null);
  const { errors, busy, run } = useSubmit(STOCK_FIELDS, 'amount');

  useEffect(() => {
    if (product) setCode(product.productcode);
  }, [product?.idproduct]);

  const resolve = async (): Promise<Product> => {
    if (product && product.productcode === code.trim()) return product;
    const found = await productByCode(code);
    onProduct(found);
    return found;
  };

  return (
    <Section title={t('change_stock')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setNotice(undefined);
          void run(async () => {
            const p = await resolve();
            const n = Number(amount);
            const body = {
              [mode]: amount.trim() === '' || !Number.isFinite(n) ? amount : n,
              reason,
              ...(idlocation ? { idlocation: Number(idlocation) } : {}),
            };
            const answer = await post<StockEntry>(`/products/${p.idproduct}/stock/${idwarehouse}`, body);
            setNotice(t('booked', { code: p.productcode, stock: answer.stock }));
            setAmount('');
          });
        }}
      >
        <Field
          label={t('productcode')}
          hint={t('productcode_hint')}
          value={code}
          onValue={setCode}
          error={errors.code}
          autocomplete="off"
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            void run(async () => {
              await resolve();
              amountRef.current?.focus();
            });
          }}
        />
        <Select
          label={t('mode')}
          value={mode}
          onValue={(v) => setMode(v as 'change' | 'amount')}
          options={[
            { value: 'change', label: t('mode_change') },
            { value: 'amount', label: t('mode_count') },
          ]}
        />
        <Field
          label={t('amount')}
          inputMode="numeric"
          value={amount}
          onValue={setAmount}
          error={errors.amount}
          inputRef={amountRef}
          autocomplete="off"
        />
        <Select
          label={t('location')}
          value={idlocation}
          onValue={setIdlocation}
          options={locationOptions(locations, t('choose_location'))}
          error={errors.location}
        />
        <Field label={t('reason')} value={reason} onValue={setReason} error={errors.reason} />
        <button type="submit" disabled={busy}>
          {t('book')}
        </button>
        <Notice message={notice} />
      </form>
    </Section>
  );
}

function MoveForm({ product, locations }: { product: Product; locations: Location[] }) {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const { errors, busy, run } = useSubmit(
    {
      from: ['from'],
      to: ['to_idlocation', 'target', 'to location'],
      amount: ['amount', 'stock'],
      reason: ['reason'],
    },
    'amount',
  );
  return (
    <Section title={t('move_stock')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setNotice(undefined);
          void run(async () => {
            const n = Number(amount);
            await post(`/products/${product.idproduct}/stock/${idwarehouse}/move`, {
              from_idlocation: from ? Number(from) : null,
              to_idlocation: to ? Number(to) : null,
              amount: Number.isInteger(n) && amount.trim() !== '' ? n : amount,
              ...(reason ? { reason } : {}),
            });
            setNotice(t('moved', { amount, code: product.productcode }));
            setAmount('');
          });
        }}
      >
        <Select
          label={t('from_location')}
          value={from}
          onValue={setFrom}
          options={locationOptions(locations, t('no_location'))}
          error={errors.from}
        />
        <Select
          label={t('to_location')}
          value={to}
          onValue={setTo}
          options={locationOptions(locations, t('no_location'))}
          error={errors.to}
        />
        <Field
          label={t('amount')}
          inputMode="numeric"
          value={amount}
          onValue={setAmount}
          error={errors.amount}
          autocomplete="off"
        />
        <Field label={t('reason')} value={reason} onValue={setReason} error={errors.reason} />
        <button type="submit" disabled={busy}>
          {t('move')}
        </button>
        <Notice message={notice} />
      </form>
    </Section>
  );
}

function History({ product }: { product: Product }) {
  const t = useT();
  const { warehouses, idwarehouse } = useWarehouse();
  const history = useLoad(
    () => getAll<HistoryEntry>(`/stockhistory${q({ idproduct: product.idproduct, idwarehouse })}`),
    [product.idproduct, idwarehouse],
    aboutProduct(product),
  );
  const warehouse = warehouses.find((w) => w.idwarehouse === idwarehouse)?.name ?? '';
  if (!history.data) return <Loading error={history.error} />;
  const rows = history.data;
  return (
    <Section title={t('history')}>
      {rows.length === 0 ? (
        <Empty>{t('no_history')}</Empty>
      ) : (
        <>
          <StockChart
            points={rows.map((r) => ({ at: r.changed_at, value: r.new_stock, before: r.old_stock }))}
            label={t('history_chart', {
              code: product.productcode,
              warehouse,
              n: rows.length,
              stock: rows[rows.length - 1]!.new_stock,
            })}
          />
          <div class="scroll">
            <table data-testid="history">
              <thead>
                <tr>
                  <th scope="col">{t('when')}</th>
                  <th scope="col" class="num">
                    {t('change')}
                  </th>
                  <th scope="col" class="num">
                    {t('new_stock')}
                  </th>
                  <th scope="col">{t('reason')}</th>
                </tr>
              </thead>
              <tbody>
                {rows
                  .slice(-50)
                  .reverse()
                  .map((r) => (
                    <tr key={r.idproduct_stock_history}>
                      <td>{r.changed_at}</td>
                      <td class="num">{r.stock_change > 0 ? `+${r.stock_change}` : r.stock_change}</td>
                      <td class="num">{r.new_stock}</td>
                      <td>{r.reason || r.change_type}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Section>
  );
}
