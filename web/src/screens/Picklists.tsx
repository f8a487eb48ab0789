import { useRef, useState } from 'preact/hooks';
import { get, post, q, type Picklist } from '../api.ts';
import { useT } from '../i18n.ts';
import { Badge, Empty, Field, Loading, Notice, Section, useLoad, useSubmit } from '../ui.tsx';
import { useWarehouse } from '../warehouse.ts';

/** Picklists: the open ones of the warehouse; pick by scanning, pick all, close, cancel. */
export function Picklists() {
  const t = useT();
  const { params } = useWarehouse();
  const id = params[0] ? Number(params[0]) : undefined;
  return (
    <div class="screen">
      <h1>{t('picklists')}</h1>
      {id !== undefined ? <PicklistDetail idpicklist={id} /> : <OpenPicklists />}
    </div>
  );
}

function OpenPicklists() {
  const t = useT();
  const { idwarehouse } = useWarehouse();
  const lists = useLoad(
    () => get<Picklist[]>(`/picklists${q({ status: 'new', idwarehouse })}`),
    [idwarehouse],
  );
  if (!lists.data) return <Loading error={lists.error} />;
  return (
    <Section title={t('open_picklists')}>
      {lists.data.length === 0 ? (
        <Empty>{t('no_picklists')}</Empty>
      ) : (
        <ul class="lines">
          {lists.data.map((p) => (
            <li key={p.idpicklist}>
              <a href={`#/picklists/${p.idpicklist}`}>{p.picklistid}</a> · {t('order')}{' '}
              <a href={`#/orders/${p.idorder}`}>#{p.idorder}</a> · {p.totalpicked}/{p.totalproducts}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function PicklistDetail({ idpicklist }: { idpicklist: number }) {
  const t = useT();
  const list = useLoad(() => get<Picklist>(`/picklists/${idpicklist}`), [idpicklist]);
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('1');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const codeRef = useRef<HTMLInputElement>(null);
  const pick = useSubmit({ code: ['product'], amount: ['amount'] }, 'code');
  const action = useSubmit({ list: [] }, 'list');
  const act = (path: string, message?: string) =>
    void action.run(async () => {
      list.setData(await post<Picklist>(path));
      setNotice(message);
    });
  if (!list.data) return <Loading error={list.error} />;
  const p = list.data;
  const open = p.status === 'new' || p.status === 'paused';
  return (
    <Section title={`${t('picklist')} ${p.picklistid}`}>
      <p>
        {t('status')}: <Badge value={p.status} /> · {t('order')}{' '}
        <a href={`#/orders/${p.idorder}`}>#{p.idorder}</a> · {t('picked')}{' '}
        <span data-testid="totalpicked">{p.totalpicked}</span>/{p.totalproducts}
      </p>
      {open && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void pick.run(async () => {
              const n = Number(amount);
              list.setData(
                await post<Picklist>(`/picklists/${idpicklist}/pick`, {
                  product: code.trim(),
                  amount: amount.trim() !== '' && Number.isFinite(n) ? n : amount,
                }),
              );
              setCode('');
              setAmount('1');
              codeRef.current?.focus();
            });
          }}
        >
          <Field
            label={t('pick_scan')}
            value={code}
            onValue={setCode}
            error={pick.errors.code}
            inputRef={codeRef}
            autocomplete="off"
          />
          <Field
            label={t('amount')}
            inputMode="numeric"
            value={amount}
            onValue={setAmount}
            error={pick.errors.amount}
          />
          <button type="submit">{t('pick')}</button>
        </form>
      )}
      <table data-testid="picklist-lines">
        <thead>
          <tr>
            <th scope="col">{t('product')}</th>
            <th scope="col">{t('location')}</th>
            <th scope="col" class="num">
              {t('amount')}
            </th>
            <th scope="col" class="num">
              {t('picked')}
            </th>
          </tr>
        </thead>
        <tbody>
          {p.products.map((l) => (
            <tr key={l.idpicklist_product} class={l.amount_picked >= l.amount ? 'done' : ''}>
              <td>
                <strong>{l.productcode}</strong> {l.name}
              </td>
              <td>{l.pick_locations.map((pl) => `${pl.name ?? '—'} (${pl.amount})`).join(', ') || '—'}</td>
              <td class="num">{l.amount}</td>
              <td class="num">{l.amount_picked}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <div class="buttons">
          <button type="button" class="secondary" onClick={() => act(`/picklists/${idpicklist}/pickall`)}>
            {t('pick_all')}
          </button>
          <button
            type="button"
            onClick={() => act(`/picklists/${idpicklist}/close`, t('picklist_closed', { id: p.picklistid }))}
          >
            {t('close')}
          </button>
          <button type="button" class="danger" onClick={() => act(`/picklists/${idpicklist}/cancel`)}>
            {t('cancel')}
          </button>
        </div>
      )}
      <Notice message={action.errors.list} kind="error" />
      <Notice message={notice} />
    </Section>
  );
}
