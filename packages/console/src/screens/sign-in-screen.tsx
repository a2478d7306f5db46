import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { SignInOptions } from '../api/types';
import { LanguagePicker } from '../components/language-picker';
import { PageHeading } from '../components/page-heading';
import { useSessionStore, type SignedOutReason } from '../store/session-store';

type Problem = 'none' | 'wrong' | 'tooMany' | 'unreachable' | 'failed';

/**
 * Sign-in: the organisation's identity provider first (a plain link: the server starts
 * the OpenID Connect flow and returns here), a console account below as the fallback. The
 * password lives only in this form's field and the one call that carries it.
 */
export function SignInScreen({ options, reason }: { options: SignInOptions | null; reason: SignedOutReason }) {
  const { t } = useTranslation();
  const nameId = useId();
  const passwordId = useId();
  const problemId = useId();
  const [problem, setProblem] = useState<Problem>('none');
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (passwordRef.current) passwordRef.current.value = '';
    if (!name || !password) {
      setProblem('wrong');
      return;
    }
    setBusy(true);
    try {
      const session = await endpoints.signInLocal(name, password);
      useSessionStore.getState().sessionLoaded(session);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'failed';
      setProblem(code === 'signedOut' || code === 'invalid' || code === 'forbidden' ? 'wrong' : code === 'tooMany' || code === 'unreachable' ? code : 'failed');
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="main main-narrow sign-in">
      <div className="sign-in-top">
        <span className="app-brand">
          <span className="app-mark" aria-hidden="true" />
          <span className="app-name">{t('app.name')}</span>
        </span>
        <LanguagePicker />
      </div>
      <PageHeading focus={false}>{t('signIn.title')}</PageHeading>
      {reason !== 'none' && (
        <p className={reason === 'signedOut' ? 'note' : 'note note-warning'} role="status">
          {t(`signIn.reason.${reason}`)}
        </p>
      )}
      {options === null && (
        <p className="note note-danger" role="alert">
          {t('errors.unreachable')}
        </p>
      )}
      {options?.oidc && (
        <section className="panel" aria-labelledby={`${nameId}-oidc`}>
          <h2 id={`${nameId}-oidc`} className="subheading">
            {t('signIn.oidcTitle')}
          </h2>
          <a className="button button-primary button-wide" href={options.oidc.startUrl}>
            {t('signIn.oidcButton', { provider: options.oidc.name })}
          </a>
        </section>
      )}
      {(options === null || options.local) && (
        <section className="panel" aria-labelledby={`${nameId}-local`}>
          <h2 id={`${nameId}-local`} className="subheading">
            {options?.oidc ? t('signIn.localTitleOr') : t('signIn.localTitle')}
          </h2>
          <form className="form" onSubmit={submit} noValidate aria-describedby={problem === 'none' ? undefined : problemId}>
            <div className="field">
              <label htmlFor={nameId}>{t('signIn.name')}</label>
              <input id={nameId} name="name" autoComplete="username" required spellCheck={false} autoCapitalize="none" />
            </div>
            <div className="field">
              <label htmlFor={passwordId}>{t('signIn.password')}</label>
              <input id={passwordId} name="password" type="password" autoComplete="current-password" required ref={passwordRef} />
            </div>
            <p id={problemId} className="field-problem" role="alert">
              {problem !== 'none' && t(`signIn.problem.${problem}`)}
            </p>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? t('signIn.signingIn') : t('signIn.submit')}
            </button>
          </form>
        </section>
      )}
      <p className="muted small">{t('signIn.tokenNote')}</p>
    </main>
  );
}
