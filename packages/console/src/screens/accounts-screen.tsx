import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { ConsoleAccount, Role } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../i18n/format';
import { useSession } from '../store/session-store';

const ROLES: readonly Role[] = ['support', 'admin'];

/** Console accounts (admin): who may sign in and with which role; local accounts get a first password here. */
export function AccountsScreen() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const me = useSession()?.account.id;
  const [loaded, reload] = useLoad((_signal) => endpoints.accounts().then((a) => a.accounts), []);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function act(action: () => Promise<unknown>) {
    setError(null);
    setBusy(true);
    try {
      await action();
      reload();
      return true;
    } catch (caught) {
      setError(caught as ApiError);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = String(form.get('name') ?? '').trim();
    const role = String(form.get('role')) as Role;
    const kind = String(form.get('kind'));
    const password = kind === 'local' ? String(form.get('password') ?? '') : null;
    const passwordField = formElement.elements.namedItem('password');
    if (passwordField instanceof HTMLInputElement) passwordField.value = '';
    if (!name) return setProblem(t('accounts.problemName'));
    if (password !== null && password.length < 12) return setProblem(t('accounts.problemPassword'));
    setProblem(null);
    if (await act(() => endpoints.createAccount({ name, role, password }))) formElement.reset();
  }

  return (
    <section>
      <PageHeading>{t('accounts.title')}</PageHeading>
      <p className="muted">{t('accounts.intro')}</p>
      {error && <ErrorNote error={error} />}
      {loaded.status === 'error' && <ErrorNote error={loaded.error} />}
      {loaded.status === 'ready' && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('accounts.title')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('accounts.name')}</th>
                <th scope="col">{t('accounts.kind')}</th>
                <th scope="col">{t('accounts.role')}</th>
                <th scope="col">{t('accounts.lastSignIn')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('codes.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((account: ConsoleAccount) => (
                <tr key={account.id}>
                  <td>{account.name}</td>
                  <td>{t(`accounts.kinds.${account.kind}`)}</td>
                  <td>
                    <select
                      aria-label={t('accounts.roleOf', { name: account.name })}
                      value={account.role}
                      disabled={busy || account.id === me}
                      onChange={(event) => void act(() => endpoints.setAccountRole(account.id, event.target.value as Role))}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`roles.${role}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{account.lastSignInAt ? formatDateTime(account.lastSignInAt, i18n.language) : t('accounts.never')}</td>
                  <td>
                    {account.id !== me && (
                      <button type="button" className="button button-danger-quiet button-small" disabled={busy} onClick={() => void act(() => endpoints.removeAccount(account.id))} aria-label={t('accounts.removeNamed', { name: account.name })}>
                        {t('accounts.remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="panel" aria-labelledby={`${id}-new`}>
        <h2 id={`${id}-new`} className="subheading">
          {t('accounts.createTitle')}
        </h2>
        <form className="form form-grid" onSubmit={create} noValidate>
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('accounts.name')}</label>
            <input id={`${id}-name`} name="name" required autoComplete="off" spellCheck={false} aria-describedby={`${id}-name-hint`} />
            <span id={`${id}-name-hint`} className="muted small">
              {t('accounts.nameHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-role`}>{t('accounts.role')}</label>
            <select id={`${id}-role`} name="role" defaultValue="support">
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-kind`}>{t('accounts.kind')}</label>
            <select id={`${id}-kind`} name="kind" defaultValue="oidc">
              <option value="oidc">{t('accounts.kinds.oidc')}</option>
              <option value="local">{t('accounts.kinds.local')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>{t('accounts.password')}</label>
            <input id={`${id}-password`} name="password" type="password" autoComplete="new-password" aria-describedby={`${id}-password-hint`} />
            <span id={`${id}-password-hint`} className="muted small">
              {t('accounts.passwordHint')}
            </span>
          </div>
          <p className="field-problem" role="alert">
            {problem}
          </p>
          <div className="actions actions-start">
            <button type="submit" className="button button-primary" disabled={busy}>
              {t('accounts.create')}
            </button>
          </div>
        </form>
      </section>
    </section>
  );
}
