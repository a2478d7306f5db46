import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { FleetDevice, FleetPage } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { useNow } from '../components/use-now';
import { hrefFor } from '../components/use-route';
import { platformName, stepName } from '../components/words';
import { formatAgo, formatNumber } from '../i18n/format';

export const COUNTS = ['devices', 'online', 'synced', 'waiting', 'failed', 'off'] as const satisfies readonly (keyof FleetPage['counts'])[];
const DEFAULT_HOURS = 24;
const MAX_HOURS = 24 * 365;

/**
 * The fleet: how many devices are in each state, and those not synced for more than N
 * hours (N chosen here), oldest change first, a page at a time; the CSV export is the
 * directory's, of the same list (every page), so a spreadsheet gets what the view lists.
 */
export function FleetScreen() {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const hoursId = useId();
  const [typedHours, setTypedHours] = useState(String(DEFAULT_HOURS));
  const [hours, setHours] = useState(DEFAULT_HOURS);
  const [round, setRound] = useState(0);
  const [more, setMore] = useState<FleetDevice[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [loaded] = useLoad<FleetPage>((signal) => endpoints.fleet(hours, null, signal), [hours, round]);

  useEffect(() => {
    setMore([]);
    setCursor(loaded.status === 'ready' ? loaded.data.next : null);
  }, [loaded]);

  const hoursValid = /^\d{1,4}$/.test(typedHours.trim()) && Number(typedHours) <= MAX_HOURS;
  const page = loaded.status === 'ready' ? loaded.data : null;
  const rows = page ? [...page.stale, ...more] : [];
  const at = page ? now + (new Date(page.serverTime).getTime() - Date.now()) : now;

  async function showMore() {
    if (!cursor) return;
    setMoreError(null);
    try {
      const next = await endpoints.fleet(hours, cursor);
      setMore((shown) => [...shown, ...next.stale]);
      setCursor(next.next);
    } catch (caught) {
      setMoreError(caught as ApiError);
    }
  }

  return (
    <section>
      <PageHeading>{t('fleet.title')}</PageHeading>
      {loaded.status === 'error' && <ErrorNote error={loaded.error} />}
      <div className="table-actions">
        <h2 className="subheading">{t('fleet.countsTitle')}</h2>
        <button type="button" className="button button-secondary button-small" onClick={() => setRound((n) => n + 1)}>
          {t('fleet.refresh')}
        </button>
      </div>
      <ul className="counts" aria-busy={loaded.status === 'loading'}>
        {COUNTS.map((state) => (
          <li key={state} className={`count count-${state}`} data-count={state}>
            <span className="count-value">{page ? formatNumber(page.counts[state], i18n.language) : '–'}</span>
            <span className="count-label">{t(`fleet.counts.${state}`)}</span>
          </li>
        ))}
      </ul>
      <h2 className="subheading">{t('fleet.staleTitle', { count: hours })}</h2>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (hoursValid) setHours(Number(typedHours));
        }}
      >
        <label htmlFor={hoursId}>{t('fleet.hoursLabel')}</label>
        <input id={hoursId} inputMode="numeric" className="input-short" value={typedHours} onChange={(event) => setTypedHours(event.target.value)} aria-invalid={!hoursValid} aria-describedby={`${hoursId}-hint`} />
        <button type="submit" className="button button-secondary" disabled={!hoursValid}>
          {t('fleet.show')}
        </button>
        <span id={`${hoursId}-hint`} className={hoursValid ? 'muted small' : 'field-problem'}>
          {hoursValid ? t('fleet.hoursHint') : t('fleet.hoursInvalid', { max: MAX_HOURS })}
        </span>
      </form>
      {page && (
        <>
          <div className="table-actions">
            <p className="muted" role="status">
              {cursor ? t('fleet.shownMore', { count: rows.length }) : t('fleet.shown', { count: rows.length })}
            </p>
            <a className="button button-secondary button-small" href={endpoints.fleetCsvUrl(hours)} download={`pwsync-not-synced-${hours}h.csv`}>
              {t('fleet.export')}
            </a>
          </div>
          {rows.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('fleet.staleTitle', { count: hours })}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('fleet.columns.person')}</th>
                    <th scope="col">{t('fleet.columns.device')}</th>
                    <th scope="col">{t('fleet.columns.platform')}</th>
                    <th scope="col">{t('fleet.columns.state')}</th>
                    <th scope="col">{t('fleet.columns.changed')}</th>
                    <th scope="col">{t('fleet.columns.lastCheckIn')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.deviceId} data-device={row.deviceId}>
                      <td>
                        <a href={hrefFor({ screen: 'person', userName: row.userName })}>{row.userName}</a>
                      </td>
                      <td>{row.deviceName}</td>
                      <td>{platformName(t, row.platform)}</td>
                      <td>
                        {t(`fleet.states.${row.state}`)}
                        {row.failedStep && <span className="reason">{t('fleet.atStep', { step: stepName(i18n.language, row.platform, row.failedStep) })}</span>}
                        {!row.online && <span className="reason">{t('device.offline')}</span>}
                      </td>
                      <td>{formatAgo(row.changeCreatedAt, i18n.language, at)}</td>
                      <td>{row.lastCheckIn ? formatAgo(row.lastCheckIn, i18n.language, at) : t('device.never')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {cursor && (
            <button type="button" className="button button-secondary" onClick={showMore}>
              {t('fleet.more')}
            </button>
          )}
          {moreError && <ErrorNote error={moreError} />}
        </>
      )}
    </section>
  );
}
