import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { AccountView, Role } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../i18n/format';
import { useSession } from '../store/session-store';

const ROLES: readonly Role[] = ['support', 'admin'];
const MIN_PASSWORD = 12;

/**
 * Console accounts (admin): who may sign in and with which role. Accounts of the
 * organisation's identity provider appear at their first sign-in; local accounts (the
 * fallback) are made here with a first password. An administrator cannot lock
 * themselves out: their own row changes nothing.
 */
export function AccountsScreen() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const me = useSession()?.account.id;
  const [round, setRound] = useState(0);
  const [loaded] = useLoad((_signal) => endpoints.accounts().then((a) => a.accounts), [round]);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function act(action: () => Promise<unknown>): Promise<boolean> {
    setError(null);
    setBusy(true);
    try {
      await action();
      setRound((n) => n + 1);
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
    const userName = String(form.get('userName') ?? '').trim();
    const displayName = String(form.get('displayName') ?? '').trim() || userName;
    const role = String(form.get('role')) as Role;
    const password = String(form.get('password') ?? '');
    const passwordField = formElement.elements.namedItem('password');
    if (passwordField instanceof HTMLInputElement) passwordField.value = '';
    if (!userName || /\s/.test(userName)) return setProblem(t('accounts.problemName'));
    if (password.length < MIN_PASSWORD) return setProblem(t('accounts.problemPassword', { min: MIN_PASSWORD }));
    setProblem(null);
    if (await act(() => endpoints.createAccount({ userName, displayName, role, password }))) formElement.reset();
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
              {loaded.data.map((account: AccountView) => (
                <tr key={account.id} data-account={account.userName}>
                  <td>
                    {account.displayName}
                    {account.displayName !== account.userName && <span className="reason">{account.userName}</span>}
                    {account.disabled && <span className="reason">{t('accounts.disabled')}</span>}
                  </td>
                  <td>{t(`accounts.kinds.${account.via}`)}</td>
                  <td>
                    <select
                      aria-label={t('accounts.roleOf', { name: account.displayName })}
                      value={account.role}
                      disabled={busy || account.id === me}
                      onChange={(event) => void act(() => endpoints.updateAccount(account.id, { role: event.target.value as Role }))}
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
                      <span className="row-actions">
                        <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void act(() => endpoints.updateAccount(account.id, { disabled: !account.disabled }))} aria-label={`${account.disabled ? t('accounts.enable') : t('accounts.disable')}: ${account.displayName}`}>
                          {account.disabled ? t('accounts.enable') : t('accounts.disable')}
                        </button>
                        <button type="button" className="button button-danger-quiet button-small" disabled={busy} onClick={() => void act(() => endpoints.removeAccount(account.id))} aria-label={t('accounts.removeNamed', { name: account.displayName })}>
                          {t('accounts.remove')}
                        </button>
                      </span>
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
        <p className="muted small">{t('accounts.createIntro')}</p>
        <form className="form form-grid" onSubmit={create} noValidate>
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('accounts.userName')}</label>
            <input id={`${id}-name`} name="userName" required autoComplete="off" spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-display`}>{t('accounts.displayName')}</label>
            <input id={`${id}-display`} name="displayName" autoComplete="off" />
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
            <label htmlFor={`${id}-password`}>{t('accounts.password')}</label>
            <input id={`${id}-password`} name="password" type="password" autoComplete="new-password" aria-describedby={`${id}-password-hint`} />
            <span id={`${id}-password-hint`} className="muted small">
              {t('accounts.passwordHint', { min: MIN_PASSWORD })}
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
