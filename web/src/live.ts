import { useEffect, useRef } from 'preact/hooks';
import { authHeader, type StockroomEvent } from './api.ts';

/**
 * Live updates from GET /api/v1/events/stream (Server-Sent Events fed from the outbox). Read with
 * fetch() rather than EventSource so that the key goes in the Authorization header, never in a URL.
 * Screens subscribe with useLive and reload their numbers when an event arrives.
 */
type Listener = (e: StockroomEvent) => void;
const listeners = new Set<Listener>();
const statusListeners = new Set<(s: LiveStatus) => void>();
export type LiveStatus = 'connecting' | 'live' | 'offline';
let status: LiveStatus = 'connecting';
let controller: AbortController | undefined;

function setStatus(s: LiveStatus) {
  status = s;
  for (const l of statusListeners) l(s);
}
export function onLiveStatus(l: (s: LiveStatus) => void): () => void {
  statusListeners.add(l);
  l(status);
  return () => statusListeners.delete(l);
}

export function startLive(key: string): void {
  stopLive();
  const abort = new AbortController();
  controller = abort;
  let lastId: string | undefined;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        setStatus('connecting');
        const res = await fetch('/api/v1/events/stream', {
          headers: {
            authorization: authHeader(key),
            accept: 'text/event-stream',
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        setStatus('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) lastId = line.slice(4);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (data) {
              const event = JSON.parse(data) as StockroomEvent;
              for (const l of listeners) l(event);
            }
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      setStatus('offline');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
}

export function stopLive(): void {
  controller?.abort();
  controller = undefined;
}

export function onEvent(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/**
 * Calls reload when an event arrives that `relevant` accepts (default: any): soon after the first
 * one, then at most once a second while events keep coming, so that a busy account cannot push a
 * screen past the API's rate limit.
 */
export function useLive(reload: () => void, relevant: (e: StockroomEvent) => boolean = () => true): void {
  const ref = useRef({ reload, relevant });
  ref.current = { reload, relevant };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const off = onEvent((e) => {
      if (!ref.current.relevant(e) || timer !== undefined) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          last = Date.now();
          ref.current.reload();
        },
        Math.max(150, last + 1000 - Date.now()),
      );
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, []);
}
