import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { HistoryEntry, PersonPage } from '../api/types';
import { AgentReason } from '../components/agent-reason';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { usePersonEvents, type LiveState } from '../components/use-live-events';
import { useLoad } from '../components/use-load';
import { useNow } from '../components/use-now';
import { isAuditAction, stepName } from '../components/words';
import { formatAgo, formatDateTime } from '../i18n/format';
import { DeviceCard } from './person/device-card';
import { WalkthroughPanel } from './person/walkthrough-panel';

function HistoryLine({ entry, page }: { entry: HistoryEntry; page: PersonPage }) {
  const { t, i18n } = useTranslation();
  const deviceName = (id: string | null) => page.devices.find((d) => d.deviceId === id)?.deviceName ?? t('history.aDevice');
  let text: string;
  let reason: string | null = null;
  if (entry.kind === 'change') text = t('history.changed', { provider: entry.provider });
  else if (entry.kind === 'result') {
    const platform = page.devices.find((d) => d.deviceId === entry.deviceId)?.platform ?? 'darwin';
    const step = entry.failedStep ? stepName(i18n.language, platform, entry.failedStep) : null;
    text = entry.outcome === 'synced' ? t('history.synced', { device: entry.deviceName }) : t('history.failed', { device: entry.deviceName });
    if (step) text += ` ${t('history.atStep', { step })}`;
    reason = entry.reason;
  } else {
    const action = isAuditAction(entry.action) ? t(`audit.actions.${entry.action}`) : entry.action;
    text = entry.deviceId ? t('history.consoleDevice', { actor: entry.actor, action, device: deviceName(entry.deviceId) }) : t('history.console', { actor: entry.actor, action });
  }
  return (
    <li>
      <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time> <span>{text}</span>
      {reason && <AgentReason reason={reason} />}
    </li>
  );
}

/**
 * One person: the account, the pending change, each device and its result, the
 * walkthrough that fits, the recent history. Live: every event on the person's stream
 * carries the whole page, and the screen redraws from it.
 */
export function PersonScreen({ userName }: { userName: string }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const [loaded] = useLoad<PersonPage>((signal) => endpoints.person(userName, signal), [userName]);
  const [live, setLive] = useState<PersonPage | null>(null);
  const [gone, setGone] = useState(false);
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // The directory's clock against this one, so "5 minutes ago" is the directory's five minutes.
  const [skew, setSkew] = useState(0);
  usePersonEvents(userName, { page: setLive, gone: () => setGone(true) }, setLiveState);
  const page = live ?? (loaded.status === 'ready' ? loaded.data : null);
  useEffect(() => {
    if (page) setSkew(new Date(page.serverTime).getTime() - Date.now());
  }, [page]);

  if (gone || (loaded.status === 'error' && !live))
    return (
      <section>
        <PageHeading>{gone || (loaded.status === 'error' && loaded.error.code === 'notFound') ? t('person.notFound', { userName }) : userName}</PageHeading>
        {!gone && loaded.status === 'error' && loaded.error.code !== 'notFound' && <ErrorNote error={loaded.error} />}
        <p>
          <a href="#/">{t('person.backToSearch')}</a>
        </p>
      </section>
    );
  if (!page)
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );

  const { person, pendingChange } = page;
  const at = now + skew;
  const provider = pendingChange?.provider ?? page.history.find((entry) => entry.kind === 'change')?.provider ?? t('walkthrough.yourProvider');

  async function togglePersonSync() {
    setBusy(true);
    setError(null);
    try {
      await endpoints.setPersonSync(person.userName, !person.syncEnabled);
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
          <span id="person-heading">{person.name ?? person.userName}</span>
        </PageHeading>
        <p className="muted">{[person.userName, person.email].filter((part, i, all) => part && all.indexOf(part) === i).join(' · ')}</p>
        <p className="live small" role="status" data-live={liveState}>
          {t(`person.live.${liveState}`)}
        </p>
        <dl className="facts">
          <div>
            <dt>{t('person.account')}</dt>
            <dd>{person.active ? t('person.active') : t('person.deactivated')}</dd>
          </div>
          <div>
            <dt>{t('person.sync')}</dt>
            <dd data-testid="person-sync">{person.syncEnabled ? t('person.syncOn') : t('person.syncOffState')}</dd>
          </div>
          <div className="fact-wide">
            <dt>{t('person.pendingChange')}</dt>
            <dd>
              {pendingChange ? (
                <time dateTime={pendingChange.createdAt} title={formatDateTime(pendingChange.createdAt, i18n.language)}>
                  {t('person.changedAt', { provider: pendingChange.provider, ago: formatAgo(pendingChange.createdAt, i18n.language, at) })}
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
            {t('person.devices', { count: page.devices.length })}
          </h2>
          {page.devices.length === 0 && <p className="muted">{t('person.noDevices')}</p>}
          {page.devices.map((device) => (
            <DeviceCard key={device.deviceId} device={device} personSyncEnabled={person.syncEnabled} pendingChange={pendingChange} now={at} />
          ))}
        </section>
        <WalkthroughPanel situation={page.situation} provider={provider} />
      </div>
      <section aria-labelledby="history-heading" className="panel">
        <h2 id="history-heading" className="subheading">
          {t('history.title')}
        </h2>
        {page.history.length === 0 ? (
          <p className="muted">{t('history.empty')}</p>
        ) : (
          <ol className="history">
            {page.history.map((entry, i) => (
              <HistoryLine key={`${entry.at}-${i}`} entry={entry} page={page} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
