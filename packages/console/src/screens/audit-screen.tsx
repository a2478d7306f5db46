import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { AuditEntry } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { isAuditAction } from '../components/words';
import { formatDateTime } from '../i18n/format';

/**
 * The audit log (admin): every change made through the console or the admin API, newest
 * first: who, what, when, from where; the directory keeps no secret or hash in it. The
 * export is the directory's CSV of the whole log.
 */
export function AuditScreen() {
  const { t, i18n } = useTranslation();
  const [loaded] = useLoad((_signal) => endpoints.auditLog(null), []);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(loaded.status === 'ready' ? loaded.data.next : null);
  }, [loaded]);
  const entries = loaded.status === 'ready' ? [...loaded.data.entries, ...more] : [];

  async function showMore() {
    if (!cursor) return;
    try {
      const page = await endpoints.auditLog(cursor);
      setMore((shown) => [...shown, ...page.entries]);
      setCursor(page.next);
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  return (
    <section>
      <PageHeading>{t('audit.title')}</PageHeading>
      <p className="muted">{t('audit.intro')}</p>
      {loaded.status === 'error' && <ErrorNote error={loaded.error} />}
      {loaded.status === 'ready' && (
        <>
          <div className="table-actions">
            <p className="muted" role="status">
              {cursor ? t('audit.shownMore', { count: entries.length }) : t('audit.shown', { count: entries.length })}
            </p>
            <a className="button button-secondary button-small" href={endpoints.auditCsvUrl()} download="pwsync-audit.csv">
              {t('audit.export')}
            </a>
          </div>
          {entries.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('audit.title')}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.when')}</th>
                    <th scope="col">{t('audit.who')}</th>
                    <th scope="col">{t('audit.what')}</th>
                    <th scope="col">{t('audit.target')}</th>
                    <th scope="col">{t('audit.from')}</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => (
                    <tr key={entry.id} data-action={entry.action}>
                      <td>
                        <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time>
                      </td>
                      <td>
                        {/* The automation token has no person's name: it is named for what it is, in the page's language. */}
                        {entry.actor.kind === 'adminToken' ? t('audit.adminToken') : entry.actor.name}
                      </td>
                      <td>
                        {isAuditAction(entry.action) ? t(`audit.actions.${entry.action}`) : entry.action}
                        {Object.keys(entry.details).length > 0 && (
                          <span className="reason">
                            <code>{Object.entries(entry.details).map(([key, value]) => `${key}: ${String(value)}`).join(', ')}</code>
                          </span>
                        )}
                      </td>
                      <td>{entry.target ?? '–'}</td>
                      <td>{entry.from}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {cursor && (
            <button type="button" className="button button-secondary" onClick={showMore}>
              {t('audit.more')}
            </button>
          )}
          {error && <ErrorNote error={error} />}
        </>
      )}
    </section>
  );
}
