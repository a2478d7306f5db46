import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { CodeView } from '../api/types';
import { CopyButton } from '../components/copy-button';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../i18n/format';

/** The contract allows codes valid for up to 90 days. */
const EXPIRY_CHOICES_HOURS = [1, 24, 24 * 7, 24 * 30, 24 * 90];
const MAX_USES = 1000;

/**
 * Enrolment codes (admin): make one (for a person, or for a computer that binds its
 * people later; uses, validity, a label), see them, revoke one. The code itself is
 * shown once, in the answer that made it: the directory keeps only its hash.
 */
export function CodesScreen() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [round, setRound] = useState(0);
  const [loaded] = useLoad((_signal) => endpoints.enrolmentCodes().then((a) => a.codes), [round]);
  const [created, setCreated] = useState<{ code: string; label: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = () => setRound((n) => n + 1);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const userName = String(form.get('userName') ?? '').trim();
    const label = String(form.get('label') ?? '').trim();
    const uses = Number(String(form.get('uses') ?? '').trim());
    const hours = Number(form.get('expiry'));
    if (!Number.isInteger(uses) || uses < 1 || uses > MAX_USES) return setProblem(t('codes.problemUses', { max: MAX_USES }));
    setProblem(null);
    setError(null);
    setCreated(null);
    setBusy(true);
    try {
      const answer = await endpoints.createEnrolmentCode({
        ...(userName ? { userName } : {}),
        label,
        uses,
        expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
      });
      setCreated({ code: answer.code, label: answer.label || answer.userName || answer.id });
      formElement.reset();
      reload();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(code: CodeView) {
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
            <input id={`${id}-user`} name="userName" autoComplete="off" spellCheck={false} aria-describedby={`${id}-user-hint`} />
            <span id={`${id}-user-hint`} className="muted small">
              {t('codes.userNameHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-label`}>{t('codes.label')}</label>
            <input id={`${id}-label`} name="label" maxLength={200} aria-describedby={`${id}-label-hint`} />
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
        <div role="status">
          {created && (
            <div className="note note-ok">
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
        </div>
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
                <th scope="col">{t('codes.for')}</th>
                <th scope="col">{t('codes.usesLeft')}</th>
                <th scope="col">{t('codes.expires')}</th>
                <th scope="col">{t('codes.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('codes.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((code) => (
                <tr key={code.id} data-code={code.id}>
                  <td>{code.label || '–'}</td>
                  <td>{code.userName ?? t('codes.machine')}</td>
                  <td>{t('codes.usesOf', { left: code.usesLeft, total: code.uses })}</td>
                  <td>{formatDateTime(code.expiresAt, i18n.language)}</td>
                  <td>{t(`codes.states.${code.state}`)}</td>
                  <td>
                    {code.state === 'usable' && (
                      <button type="button" className="button button-danger-quiet button-small" onClick={() => revoke(code)} aria-label={t('codes.revokeNamed', { label: code.label || code.userName || code.id })}>
                        {t('codes.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
