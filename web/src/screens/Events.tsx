import { useEffect, useState } from 'preact/hooks';
import { get, getAll, post, type Delivery, type Hook, type StockroomEvent } from '../api.ts';
import { useT } from '../i18n.ts';
import { onEvent } from '../live.ts';
import { Badge, Empty, Field, Loading, Section, useLoad, useSubmit } from '../ui.tsx';

/** The event feed (newest first, live) and the webhooks with their deliveries. */
export function Events() {
  const t = useT();
  return (
    <div class="screen">
      <h1>{t('nav_events')}</h1>
      <div class="grid">
        <Feed />
        <Hooks />
      </div>
    </div>
  );
}

function Feed() {
  const t = useT();
  const [events, setEvents] = useState<StockroomEvent[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let current = true;
    getAll<StockroomEvent>('/events', 10).then(
      (rows) => current && setEvents((live) => merge(rows, live ?? [])),
      (e: unknown) => current && setError(String(e)),
    );
    const off = onEvent((e) => setEvents((rows) => merge(rows ?? [], [e])));
    return () => {
      current = false;
      off();
    };
  }, []);
  if (!events) return <Loading error={error} />;
  return (
    <Section title={t('event_feed')}>
      {events.length === 0 ? (
        <Empty>—</Empty>
      ) : (
        <div class="scroll tall">
          <table data-testid="event-feed">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('event')}</th>
                <th scope="col">{t('resource')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.idevent}>
                  <td>{e.idevent}</td>
                  <td>{e.event_triggered_at}</td>
                  <td>{e.event}</td>
                  <td>
                    {e.resource_type} #{e.resource_id}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Newest first, each event once, at most 100 shown. */
function merge(a: StockroomEvent[], b: StockroomEvent[]): StockroomEvent[] {
  const byId = new Map<number, StockroomEvent>();
  for (const e of [...a, ...b]) byId.set(e.idevent, e);
  return [...byId.values()].sort((x, y) => y.idevent - x.idevent).slice(0, 100);
}

function Hooks() {
  const t = useT();
  const hooks = useLoad(() => get<Hook[]>('/hooks'), [], false);
  const [name, setName] = useState('');
  const [event, setEvent] = useState('products.stock_changed');
  const [address, setAddress] = useState('');
  const [open, setOpen] = useState<number | undefined>(undefined);
  const create = useSubmit(
    { name: ['name'], event: ['event'], address: ['address', 'url', 'host'] },
    'address',
  );
  return (
    <Section title={t('hooks')}>
      {!hooks.data ? (
        <Loading error={hooks.error} />
      ) : hooks.data.length === 0 ? (
        <Empty>{t('no_hooks')}</Empty>
      ) : (
        <ul class="lines">
          {hooks.data.map((h) => (
            <li key={h.idhook}>
              <strong>{h.name}</strong> · {h.event} · {h.address} · {t('active')}:{' '}
              {h.active ? t('yes') : t('no')}{' '}
              <button
                type="button"
                class="small secondary"
                aria-expanded={open === h.idhook}
                onClick={() => setOpen(open === h.idhook ? undefined : h.idhook)}
              >
                {t('show_deliveries')}
              </button>
              {open === h.idhook && <Deliveries idhook={h.idhook} />}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('new_hook')}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            await post('/hooks', { name, event, address });
            setName('');
            setAddress('');
            hooks.reload();
          });
        }}
      >
        <Field label={t('name')} value={name} onValue={setName} error={create.errors.name} />
        <Field label={t('event')} value={event} onValue={setEvent} error={create.errors.event} />
        <Field
          label={t('address')}
          type="url"
          value={address}
          onValue={setAddress}
          error={create.errors.address}
        />
        <button type="submit" disabled={create.busy}>
          {t('create_hook')}
        </button>
      </form>
    </Section>
  );
}

function Deliveries({ idhook }: { idhook: number }) {
  const t = useT();
  const list = useLoad(() => get<Delivery[]>(`/hooks/${idhook}/deliveries`), [idhook]);
  if (!list.data) return <Loading error={list.error} />;
  if (list.data.length === 0) return <Empty>{t('no_deliveries')}</Empty>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('event')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('attempts')}</th>
        </tr>
      </thead>
      <tbody>
        {list.data.map((d) => (
          <tr key={d.iddelivery}>
            <td>
              #{d.idevent} {d.event}
            </td>
            <td>
              <Badge value={d.status} />
            </td>
            <td>{d.attempts.map((a) => a.status_code ?? a.error ?? '?').join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
