import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { EnrolmentCode } from '../api/types';
import { CopyButton } from '../components/copy-button';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../i18n/format';

const EXPIRY_CHOICES_HOURS = [1, 24, 24 * 7, 24 * 30];

function codeState(code: EnrolmentCode, now: number): 'revoked' | 'expired' | 'usedUp' | 'active' {
  if (code.revokedAt) return 'revoked';
  if (new Date(code.expiresAt).getTime() <= now) return 'expired';
  if (code.usesLeft <= 0) return 'usedUp';
  return 'active';
}

/** Enrolment codes (admin): make one for a person's computers (uses, expiry, a label), see them, revoke one. The code is shown once. */
export function CodesScreen() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [loaded, reload] = useLoad((_signal) => endpoints.enrolmentCodes().then((a) => a.codes), []);
  const [created, setCreated] = useState<{ code: string; label: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = Date.now();

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const userName = String(form.get('userName') ?? '').trim();
    const label = String(form.get('label') ?? '').trim();
    const uses = Number(form.get('uses'));
    const expiresInHours = Number(form.get('expiry'));
    if (!userName || !label) return setProblem(t('codes.problemRequired'));
    if (!Number.isInteger(uses) || uses < 1 || uses > 10_000) return setProblem(t('codes.problemUses'));
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      const answer = await endpoints.createEnrolmentCode({ userName, label, uses, expiresInHours });
      setCreated({ code: answer.code, label });
      event.currentTarget?.reset();
      reload();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(code: EnrolmentCode) {
    setError(null);
    try {
      await endpoints.revokeEnrolmentCode(code.id);
      reload();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  return (
    <section>
      <PageHeading>{t('codes.title')}</PageHeading>
      <p className="muted">{t('codes.intro')}</p>
      <section className="panel" aria-labelledby={`${id}-new`}>
        <h2 id={`${id}-new`} className="subheading">
          {t('codes.createTitle')}
        </h2>
        <form className="form form-grid" onSubmit={create} noValidate>
          <div className="field">
            <label htmlFor={`${id}-user`}>{t('codes.userName')}</label>
            <input id={`${id}-user`} name="userName" required autoComplete="off" spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-label`}>{t('codes.label')}</label>
            <input id={`${id}-label`} name="label" required maxLength={200} aria-describedby={`${id}-label-hint`} />
            <span id={`${id}-label-hint`} className="muted small">
              {t('codes.labelHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-uses`}>{t('codes.uses')}</label>
            <input id={`${id}-uses`} name="uses" inputMode="numeric" defaultValue="1" className="input-short" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-expiry`}>{t('codes.expiresIn')}</label>
            <select id={`${id}-expiry`} name="expiry" defaultValue={String(24 * 7)}>
              {EXPIRY_CHOICES_HOURS.map((hours) => (
                <option key={hours} value={hours}>
                  {hours < 24 ? t('codes.hours', { count: hours }) : t('codes.days', { count: hours / 24 })}
                </option>
              ))}
            </select>
          </div>
          <p className="field-problem" role="alert">
            {problem}
          </p>
          <div className="actions actions-start">
            <button type="submit" className="button button-primary" disabled={busy}>
              {t('codes.create')}
            </button>
          </div>
        </form>
        {created && (
          <div className="note note-ok" role="status">
            <p>{t('codes.created', { label: created.label })}</p>
            <p>
              <code className="secret-code" data-testid="new-code">
                {created.code}
              </code>{' '}
              <CopyButton text={created.code} label={t('codes.copy')} />
            </p>
            <p className="small">{t('codes.shownOnce')}</p>
          </div>
        )}
      </section>
      {error && <ErrorNote error={error} />}
      <h2 className="subheading">{t('codes.listTitle')}</h2>
      {loaded.status === 'error' && <ErrorNote error={loaded.error} />}
      {loaded.status === 'ready' && loaded.data.length === 0 && <p className="muted">{t('codes.none')}</p>}
      {loaded.status === 'ready' && loaded.data.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('codes.listTitle')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('codes.label')}</th>
                <th scope="col">{t('codes.userName')}</th>
                <th scope="col">{t('codes.usesLeft')}</th>
                <th scope="col">{t('codes.expires')}</th>
                <th scope="col">{t('codes.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('codes.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((code) => {
                const state = codeState(code, now);
                return (
                  <tr key={code.id}>
                    <td>{code.label}</td>
                    <td>{code.userName}</td>
                    <td>{t('codes.usesOf', { left: code.usesLeft, total: code.usesTotal })}</td>
                    <td>{formatDateTime(code.expiresAt, i18n.language)}</td>
                    <td>{t(`codes.states.${state}`)}</td>
                    <td>
                      {state === 'active' && (
                        <button type="button" className="button button-danger-quiet button-small" onClick={() => revoke(code)} aria-label={t('codes.revokeNamed', { label: code.label })}>
                          {t('codes.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
