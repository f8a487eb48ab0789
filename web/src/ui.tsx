import type { ComponentChildren, Ref, TargetedKeyboardEvent } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { ApiError, type StockroomEvent } from './api.ts';
import { useT } from './i18n.ts';
import { useLive } from './live.ts';

/** Small building blocks shared by the screens: labelled fields, tables, notices, loading. */

interface FieldProps {
  type?: 'text' | 'search' | 'password' | 'date' | 'url';
  autocomplete?: string;
  inputMode?: 'numeric' | 'text';
  required?: boolean;
  autoFocus?: boolean;
  onKeyDown?: (e: TargetedKeyboardEvent<HTMLInputElement>) => void;
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled input; an error (the API's message) shows under it and is announced. */
export function Field({ label, value, onValue, error, hint, inputRef, type = 'text', ...rest }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        // Preact types inputs as a union keyed by `type`; every type used here takes text.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        type={type as 'text'}
        ref={inputRef}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...rest}
      />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectProps {
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: { value: string; label: string }[];
  error?: string | undefined;
  name?: string;
}

export function Select({ label, value, onValue, options, error, name }: SelectProps) {
  const id = useId();
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        value={value}
        onChange={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * Form state for an API call: which field an error belongs to. The API's message names the field
 * it is about (amount, reason, location, ...); the first field named gets it, else `fallback`.
 */
export function useSubmit<F extends string>(fields: Record<F, string[]>, fallback: NoInfer<F>) {
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      setErrors({});
      try {
        await action();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const lower = message.toLowerCase();
        const field =
          err instanceof ApiError
            ? ((Object.keys(fields) as F[]).find((f) => fields[f].some((word) => lower.includes(word))) ??
              fallback)
            : fallback;
        setErrors({ [field]: message } as Partial<Record<F, string>>);
      } finally {
        setBusy(false);
      }
    },
    [fields, fallback],
  );
  return { errors, busy, run };
}

/**
 * Loads data, reloads on `deps` and when a live event arrives: any event, only those `live` accepts,
 * or none (false).
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  live: boolean | ((e: StockroomEvent) => boolean) = true,
) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const reload = useCallback(() => {
    load().then(
      (d) => {
        setData(d);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, deps);
  useEffect(reload, [reload]);
  useLive(reload, (e) => (typeof live === 'function' ? live(e) : live));
  return { data, error, reload, setData };
}

export function Section({
  title,
  children,
  id,
}: {
  title: string;
  children: ComponentChildren;
  id?: string;
}) {
  const headingId = useId();
  return (
    <section class="card" aria-labelledby={headingId} id={id}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

export function Notice({ message, kind = 'ok' }: { message: string | undefined; kind?: 'ok' | 'error' }) {
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'} aria-live="polite">
      {message ?? ''}
    </p>
  );
}

export function Loading({ error }: { error?: string | undefined }) {
  const t = useT();
  return error ? <Notice kind="error" message={error} /> : <p class="muted">{t('loading')}</p>;
}

/** A status word as a badge (the text is the status itself, so colour is never the only cue). */
export function Badge({ value }: { value: string }) {
  return <span class={`badge badge-${value.replace(/[^a-z-]/g, '')}`}>{value}</span>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted">{children}</p>;
}
