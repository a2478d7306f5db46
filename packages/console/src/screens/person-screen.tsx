import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { HistoryEntry, Person } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLiveEvents } from '../components/use-live-events';
import { useLoad } from '../components/use-load';
import { useNow } from '../components/use-now';
import { stepName } from '../components/words';
import { formatAgo, formatDateTime } from '../i18n/format';
import { DeviceCard } from './person/device-card';
import { WalkthroughPanel } from './person/walkthrough-panel';

function HistoryLine({ entry, platformOf }: { entry: HistoryEntry; platformOf: (deviceName: string | null) => 'darwin' | 'linux' | 'win32' }) {
  const { t, i18n } = useTranslation();
  const device = entry.deviceName ?? t('history.aDevice');
  const step = entry.failedStep ? stepName(i18n.language, platformOf(entry.deviceName), entry.failedStep) : null;
  return (
    <li>
      <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time>{' '}
      <span>
        {t(`history.${entry.kind}`, { device, step: step ?? '', by: entry.by ?? '' })}
        {entry.kind === 'failed' && step && ` ${t('history.atStep', { step })}`}
        {entry.reason && ` ${t('device.result.reason', { reason: entry.reason })}`}
        {entry.by && entry.kind !== 'changed' && ` ${t('history.by', { by: entry.by })}`}
      </span>
    </li>
  );
}

/**
 * One person: the account, the pending change, each device and its result, the
 * walkthrough that fits, the recent history. Redrawn from the server whenever the live
 * stream says this person or one of their devices changed.
 */
export function PersonScreen({ userName }: { userName: string }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const [loaded, reload] = useLoad<Person>((signal) => endpoints.person(userName, signal), [userName]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useLiveEvents((event) => {
    if (event === 'reconnected' || event.userName === userName) reload();
  });

  if (loaded.status === 'loading')
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );
  if (loaded.status === 'error')
    return (
      <section>
        <PageHeading>{loaded.error.code === 'notFound' ? t('person.notFound', { userName }) : userName}</PageHeading>
        {loaded.error.code !== 'notFound' && <ErrorNote error={loaded.error} />}
        <p>
          <a href="#/">{t('person.backToSearch')}</a>
        </p>
      </section>
    );

  const person = loaded.data;
  const provider = person.pendingChange?.provider ?? person.provider ?? t('walkthrough.yourProvider');
  const platformOf = (deviceName: string | null) => person.devices.find((d) => d.deviceName === deviceName)?.platform ?? 'darwin';

  async function togglePersonSync() {
    setBusy(true);
    setError(null);
    try {
      await endpoints.setPersonSync(person.userName, !person.syncEnabled);
      reload();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="person">
      <section aria-labelledby="person-heading" className="person-head">
        <PageHeading>
          <span id="person-heading">{person.displayName ?? person.userName}</span>
        </PageHeading>
        <p className="muted">{[person.userName, person.email].filter((part, i, all) => part && all.indexOf(part) === i).join(' · ')}</p>
        <dl className="facts">
          <div>
            <dt>{t('person.account')}</dt>
            <dd>{person.active ? t('person.active') : t('person.deactivated')}</dd>
          </div>
          <div>
            <dt>{t('person.sync')}</dt>
            <dd>{person.syncEnabled ? t('person.syncOn') : t('person.syncOffState')}</dd>
          </div>
          <div className="fact-wide">
            <dt>{t('person.pendingChange')}</dt>
            <dd>
              {person.pendingChange ? (
                <time dateTime={person.pendingChange.createdAt} title={formatDateTime(person.pendingChange.createdAt, i18n.language)}>
                  {t('person.changedAt', { provider: person.pendingChange.provider, ago: formatAgo(person.pendingChange.createdAt, i18n.language, now) })}
                </time>
              ) : (
                t('person.noPending')
              )}
            </dd>
          </div>
        </dl>
        <div className="actions">
          <button type="button" className="button button-secondary" disabled={busy} onClick={togglePersonSync}>
            {person.syncEnabled ? t('person.turnSyncOff') : t('person.turnSyncOn')}
          </button>
        </div>
        {error && <ErrorNote error={error} />}
      </section>
      <div className="person-columns">
        <section aria-labelledby="devices-heading" className="devices">
          <h2 id="devices-heading" className="subheading">
            {t('person.devices', { count: person.devices.length })}
          </h2>
          {person.devices.length === 0 && <p className="muted">{t('person.noDevices')}</p>}
          {person.devices.map((device) => (
            <DeviceCard key={device.deviceId} device={device} pendingChange={person.pendingChange} now={now} onChanged={reload} />
          ))}
        </section>
        <WalkthroughPanel devices={person.devices} provider={provider} />
      </div>
      <section aria-labelledby="history-heading" className="panel">
        <h2 id="history-heading" className="subheading">
          {t('history.title')}
        </h2>
        {person.history.length === 0 ? (
          <p className="muted">{t('history.empty')}</p>
        ) : (
          <ol className="history">
            {person.history.map((entry, i) => (
              <HistoryLine key={`${entry.at}-${i}`} entry={entry} platformOf={platformOf} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
