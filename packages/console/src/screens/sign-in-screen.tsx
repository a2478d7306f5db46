import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { SignInMethods } from '../api/types';
import { LanguagePicker } from '../components/language-picker';
import { PageHeading } from '../components/page-heading';
import { useSessionStore, type SignedOutReason } from '../store/session-store';

type Problem = 'none' | 'badCredentials' | 'tooManyTries' | 'tokenNotAccepted' | 'unreachable' | 'failed';

function problemOf(error: unknown): Problem {
  if (!(error instanceof ApiError)) return 'failed';
  if (error.code === 'badCredentials' || error.code === 'invalid' || error.code === 'signedOut') return 'badCredentials';
  if (error.code === 'tooManyTries' || error.code === 'tokenNotAccepted' || error.code === 'unreachable') return error.code;
  return 'failed';
}

/**
 * Sign-in: the organisation's identity provider first (a plain link: the directory starts
 * the OpenID Connect round trip and comes back here), a console account below as the
 * fallback. The password lives only in this form's field and the one call that carries it.
 */
export function SignInScreen({ options, reason }: { options: SignInMethods | null; reason: SignedOutReason }) {
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
    const userName = String(form.get('userName') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (passwordRef.current) passwordRef.current.value = '';
    if (!userName || !password) {
      setProblem('badCredentials');
      passwordRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      useSessionStore.getState().sessionLoaded(await endpoints.signInLocal({ userName, password }));
    } catch (error) {
      setProblem(problemOf(error));
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
          <a className="button button-primary button-wide" href={endpoints.oidcStartUrl()}>
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
              <input id={nameId} name="userName" autoComplete="username" required spellCheck={false} autoCapitalize="none" />
            </div>
            <div className="field">
              <label htmlFor={passwordId}>{t('signIn.password')}</label>
              <input id={passwordId} name="password" type="password" autoComplete="current-password" required ref={passwordRef} />
            </div>
            <p id={problemId} className="field-problem" role="alert">
              {problem !== 'none' && t(`signIn.problem.${problem}`)}
            </p>
            {/* The organisation's sign-in is the one to use: the fallback's button is the quieter one beside it. */}
            <button type="submit" className={options?.oidc ? 'button button-secondary' : 'button button-primary'} disabled={busy}>
              {busy ? t('signIn.signingIn') : t('signIn.submit')}
            </button>
          </form>
        </section>
      )}
      <p className="muted small">{t('signIn.tokenNote')}</p>
    </main>
  );
}
