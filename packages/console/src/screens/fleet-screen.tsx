import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { FleetPage, FleetRow, FleetState } from '../api/types';
import { download, toCsv } from '../components/csv';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLiveEvents } from '../components/use-live-events';
import { useLoad } from '../components/use-load';
import { useNow } from '../components/use-now';
import { hrefFor } from '../components/use-route';
import { platformName } from '../components/words';
import { formatAgo, formatNumber } from '../i18n/format';

export const FLEET_STATES: readonly FleetState[] = ['synced', 'waiting', 'failed', 'offline', 'syncOff', 'none'];
const DEFAULT_HOURS = 24;
const MAX_HOURS = 24 * 365;
// Live events can come many a second across a fleet; the counts are redrawn at most this often.
const REDRAW_AT_MOST_EVERY_MS = 2_000;

/** The fleet: how many devices are in each state, and those not synced for more than N hours, N chosen here. */
export function FleetScreen() {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const hoursId = useId();
  const [typedHours, setTypedHours] = useState(String(DEFAULT_HOURS));
  const [hours, setHours] = useState(DEFAULT_HOURS);
  const [more, setMore] = useState<FleetRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [loaded, reload] = useLoad<FleetPage>((signal) => endpoints.fleet(hours, null, signal), [hours]);
  const lastReload = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    setMore([]);
    setCursor(loaded.status === 'ready' ? loaded.data.nextCursor : null);
  }, [loaded]);
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  useLiveEvents(() => {
    if (pending.current) return;
    const wait = Math.max(0, lastReload.current + REDRAW_AT_MOST_EVERY_MS - Date.now());
    pending.current = setTimeout(() => {
      pending.current = null;
      lastReload.current = Date.now();
      reload();
    }, wait);
  });

  const hoursValid = /^\d{1,4}$/.test(typedHours.trim()) && Number(typedHours) >= 1 && Number(typedHours) <= MAX_HOURS;
  const rows = loaded.status === 'ready' ? [...loaded.data.rows, ...more] : [];

  async function showMore() {
    if (!cursor) return;
    setMoreError(null);
    try {
      const page = await endpoints.fleet(hours, cursor);
      setMore((shown) => [...shown, ...page.rows]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setMoreError(caught as ApiError);
    }
  }

  function exportCsv() {
    const header = [t('fleet.columns.person'), t('fleet.columns.userName'), t('fleet.columns.device'), t('fleet.columns.platform'), t('fleet.columns.state'), t('fleet.columns.lastCheckIn'), t('fleet.columns.lastSynced')];
    const csv = toCsv(
      header,
      rows.map((row) => [row.displayName ?? row.userName, row.userName, row.deviceName, platformName(t, row.platform), t(`fleet.states.${row.state}`), row.lastCheckIn, row.lastSyncedAt]),
    );
    download(`pwsync-fleet-not-synced-${hours}h.csv`, csv);
  }

  return (
    <section>
      <PageHeading>{t('fleet.title')}</PageHeading>
      {loaded.status === 'error' && <ErrorNote error={loaded.error} />}
      <h2 className="subheading">{t('fleet.countsTitle')}</h2>
      <ul className="counts" aria-busy={loaded.status === 'loading'}>
        {FLEET_STATES.map((state) => (
          <li key={state} className={`count count-${state}`} data-state={state}>
            <span className="count-value">{loaded.status === 'ready' ? formatNumber(loaded.data.counts[state] ?? 0, i18n.language) : '–'}</span>
            <span className="count-label">{t(`fleet.states.${state}`)}</span>
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
      {loaded.status === 'ready' && (
        <>
          <div className="table-actions">
            <p className="muted" role="status">
              {t('fleet.shown', { count: rows.length })}
            </p>
            <button type="button" className="button button-secondary button-small" onClick={exportCsv} disabled={rows.length === 0}>
              {t('fleet.export')}
            </button>
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
                    <th scope="col">{t('fleet.columns.lastCheckIn')}</th>
                    <th scope="col">{t('fleet.columns.lastSynced')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.deviceId}>
                      <td>
                        <a href={hrefFor({ screen: 'person', userName: row.userName })}>{row.displayName ?? row.userName}</a>
                      </td>
                      <td>{row.deviceName}</td>
                      <td>{platformName(t, row.platform)}</td>
                      <td>{t(`fleet.states.${row.state}`)}</td>
                      <td>{row.lastCheckIn ? formatAgo(row.lastCheckIn, i18n.language, now) : t('device.never')}</td>
                      <td>{row.lastSyncedAt ? formatAgo(row.lastSyncedAt, i18n.language, now) : t('fleet.neverSynced')}</td>
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
