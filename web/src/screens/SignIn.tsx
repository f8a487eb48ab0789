import { useState } from 'preact/hooks';
import { useT } from '../i18n.ts';
import { Field, useSubmit } from '../ui.tsx';

export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => Promise<void> }) {
  const t = useT();
  const [key, setKey] = useState('');
  const { errors, busy, run } = useSubmit({ key: [] }, 'key');
  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{t('sign_in_title')}</h1>
      <p>{t('sign_in_intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => onSignedIn(key.trim()));
        }}
      >
        <Field
          label={t('api_key')}
          type="password"
          autocomplete="current-password"
          value={key}
          onValue={setKey}
          error={errors.key}
          required
          autoFocus
        />
        <button type="submit" disabled={busy}>
          {t('sign_in')}
        </button>
      </form>
    </section>
  );
}
