import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, get, getKey, setKey, type Warehouse } from './api.ts';
import { initialLang, LangContext, translator, type Key, type Lang } from './i18n.ts';
import { onLiveStatus, startLive, stopLive, type LiveStatus } from './live.ts';
import { Backorders } from './screens/Backorders.tsx';
import { Events } from './screens/Events.tsx';
import { Orders } from './screens/Orders.tsx';
import { Picklists } from './screens/Picklists.tsx';
import { Purchasing } from './screens/Purchasing.tsx';
import { Receiving } from './screens/Receiving.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { Stock } from './screens/Stock.tsx';
import { WarehouseContext } from './warehouse.ts';
import './styles.css';

const screens: { path: string; label: Key; view: () => preact.JSX.Element }[] = [
  { path: 'stock', label: 'nav_stock', view: () => <Stock /> },
  { path: 'backorders', label: 'nav_backorders', view: () => <Backorders /> },
  { path: 'orders', label: 'nav_orders', view: () => <Orders /> },
  { path: 'picklists', label: 'nav_picklists', view: () => <Picklists /> },
  { path: 'purchasing', label: 'nav_purchasing', view: () => <Purchasing /> },
  { path: 'receiving', label: 'nav_receiving', view: () => <Receiving /> },
  { path: 'events', label: 'nav_events', view: () => <Events /> },
];

/** The screen from the location hash: #/stock, #/orders/12, ... (the key never goes in the URL). */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const t = useMemo(() => translator(lang), [lang]);
  const [key, setKeyState] = useState(getKey);
  const [warehouses, setWarehouses] = useState<Warehouse[] | undefined>(undefined);
  const [idwarehouse, setIdwarehouse] = useState<number | undefined>(undefined);
  const [live, setLive] = useState<LiveStatus>('connecting');
  const route = useRoute();

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('stockroom.lang', lang);
  }, [lang]);

  useEffect(() => {
    const out = () => {
      setKey(null);
      setKeyState(null);
    };
    window.addEventListener('stockroom:signed-out', out);
    return () => window.removeEventListener('stockroom:signed-out', out);
  }, []);

  useEffect(() => {
    if (!key) return;
    startLive(key);
    const off = onLiveStatus(setLive);
    get<Warehouse[]>('/warehouses').then(
      (ws) => {
        setWarehouses(ws);
        const saved = Number(sessionStorage.getItem('stockroom.warehouse'));
        setIdwarehouse(ws.find((w) => w.idwarehouse === saved)?.idwarehouse ?? ws[0]?.idwarehouse);
      },
      () => setWarehouses([]),
    );
    return () => {
      off();
      stopLive();
    };
  }, [key]);

  const langSwitch = (
    <div class="lang">
      <label for="lang-select">{t('language')}</label>
      <select id="lang-select" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        <option value="en">English</option>
        <option value="nl">Nederlands</option>
      </select>
    </div>
  );

  if (!key) {
    return (
      <LangContext.Provider value={{ lang, t }}>
        <header class="topbar">
          <span class="brand">{t('app_name')}</span>
          {langSwitch}
        </header>
        <main id="main">
          <SignIn
            onSignedIn={async (k) => {
              await api('GET', '/warehouses', undefined, k);
              setKey(k);
              setKeyState(k);
            }}
          />
        </main>
      </LangContext.Provider>
    );
  }

  const current = screens.find((s) => s.path === route[0]) ?? screens[0]!;
  return (
    <LangContext.Provider value={{ lang, t }}>
      <WarehouseContext.Provider
        value={{ warehouses: warehouses ?? [], idwarehouse, params: route.slice(1) }}
      >
        <a
          class="skip"
          href="#main"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('main')?.focus();
          }}
        >
          {t('skip_to_content')}
        </a>
        <header class="topbar">
          <span class="brand">{t('app_name')}</span>
          <nav aria-label={t('nav_label')}>
            <ul>
              {screens.map((s) => (
                <li key={s.path}>
                  <a href={`#/${s.path}`} aria-current={s === current ? 'page' : undefined}>
                    {t(s.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="tools">
            {warehouses && warehouses.length > 0 && (
              <div class="lang">
                <label for="warehouse-select">{t('warehouse')}</label>
                <select
                  id="warehouse-select"
                  value={String(idwarehouse ?? '')}
                  onChange={(e) => {
                    const id = Number(e.currentTarget.value);
                    sessionStorage.setItem('stockroom.warehouse', String(id));
                    setIdwarehouse(id);
                  }}
                >
                  {warehouses.map((w) => (
                    <option key={w.idwarehouse} value={String(w.idwarehouse)}>
                      {w.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {langSwitch}
            <span class={`live live-${live}`} role="status" data-testid="live-status">
              {t(`live_${live}`)}
            </span>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setKey(null);
                setKeyState(null);
              }}
            >
              {t('sign_out')}
            </button>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {warehouses === undefined ? (
            <p class="muted">{t('loading')}</p>
          ) : warehouses.length === 0 ? (
            <p>{t('no_warehouses')}</p>
          ) : (
            <current.view key={`${current.path}-${idwarehouse}`} />
          )}
        </main>
      </WarehouseContext.Provider>
    </LangContext.Provider>
  );
}

render(<App />, document.getElementById('root')!);
