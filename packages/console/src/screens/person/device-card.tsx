import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import * as endpoints from '../../api/endpoints';
import type { DeviceView, PersonPage } from '../../api/types';
import { AgentReason } from '../../components/agent-reason';
import { ErrorNote } from '../../components/error-note';
import { platformName, stepName } from '../../components/words';
import { formatAgo, formatDateTime } from '../../i18n/format';
import { useIsAdmin } from '../../store/session-store';

/** Where the device stands with the pending change, in words and a shape (never colour alone). */
function ResultLine({ device, personSyncEnabled, now }: { device: DeviceView; personSyncEnabled: boolean; now: number }) {
  const { t, i18n } = useTranslation();
  const { result } = device;
  switch (device.state) {
    case 'off':
      return <span className="state state-off">{!device.syncEnabled ? t('device.result.syncOff') : !personSyncEnabled ? t('device.result.personSyncOff') : t('device.result.off')}</span>;
    case 'synced':
      return <span className="state state-ok">{result?.outcome === 'synced' ? t('device.result.synced', { ago: formatAgo(result.receivedAt ?? result.at, i18n.language, now) }) : t('device.result.upToDate')}</span>;
    case 'failed':
      return (
        <span className="state state-failed">
          {result?.failedStep ? t('device.result.failedAt', { step: stepName(i18n.language, device.platform, result.failedStep) }) : t('device.result.failed')}
          {result?.reason && <AgentReason reason={result.reason} />}
        </span>
      );
    case 'waiting':
      return <span className="state state-waiting">{device.online ? (device.platform === 'darwin' ? t('device.result.waiting') : t('device.result.waitingAgent')) : t('device.result.waitingOffline')}</span>;
  }
}

interface DeviceCardProps {
  device: DeviceView;
  personSyncEnabled: boolean;
  pendingChange: PersonPage['pendingChange'];
  now: number;
}

/** One computer of the person's: its facts, its result, and what support (sync) and an administrator (remove) may do to it. */
export function DeviceCard({ device, personSyncEnabled, pendingChange, now }: DeviceCardProps) {
  const { t, i18n } = useTranslation();
  const isAdmin = useIsAdmin();
  const [error, setError] = useState<ApiError | null>(null);
  const [told, setTold] = useState<boolean | null>(null);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const [busy, setBusy] = useState(false);
  const headingId = `device-${device.deviceId}`;
  const pendingHere = pendingChange && (device.state === 'waiting' || device.state === 'failed') ? pendingChange : null;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      setError(caught as ApiError);
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  async function toggleSync() {
    const answer = await run(() => endpoints.setDeviceSync(device.deviceId, !device.syncEnabled));
    if (answer) setTold((answer as { told: boolean }).told);
  }

  return (
    <article className="device" aria-labelledby={headingId} data-device={device.deviceId} data-state={device.state}>
      <h3 id={headingId} className="device-name">
        {device.deviceName}
      </h3>
      <dl className="facts">
        <div>
          <dt>{t('device.platform')}</dt>
          <dd>{platformName(t, device.platform)}</dd>
        </div>
        <div>
          <dt>{t('device.connection')}</dt>
          <dd data-testid="device-connection">
            <span className={device.online ? 'state state-ok' : 'state state-none'}>{device.online ? t('device.online') : t('device.offline')}</span>
          </dd>
        </div>
        <div>
          <dt>{t('device.lastCheckIn')}</dt>
          <dd>
            {device.lastCheckIn ? (
              <time dateTime={device.lastCheckIn} title={formatDateTime(device.lastCheckIn, i18n.language)}>
                {formatAgo(device.lastCheckIn, i18n.language, now)}
              </time>
            ) : (
              t('device.never')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('device.pendingChange')}</dt>
          <dd>{pendingHere ? t('device.changedAgo', { ago: formatAgo(pendingHere.createdAt, i18n.language, now) }) : t('device.noPending')}</dd>
        </div>
        <div className="fact-wide">
          <dt>{t('device.result.label')}</dt>
          <dd data-testid="device-result">
            <ResultLine device={device} personSyncEnabled={personSyncEnabled} now={now} />
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button type="button" className="button button-secondary button-small" disabled={busy} aria-describedby={headingId} onClick={toggleSync}>
          {device.syncEnabled ? t('device.syncOff') : t('device.syncOn')}
        </button>
        {isAdmin && !confirmingRemove && (
          <button type="button" className="button button-danger-quiet button-small" disabled={busy} aria-describedby={headingId} onClick={() => setConfirmingRemove(true)}>
            {t('device.remove')}
          </button>
        )}
      </div>
      <p className="muted small" role="status">
        {told !== null && (told ? t('device.told') : t('device.toldLater'))}
      </p>
      {confirmingRemove && (
        <div className="confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
          <p id={`${headingId}-confirm`}>{t('device.removeConfirm', { device: device.deviceName })}</p>
          <div className="actions">
            <button type="button" className="button button-danger button-small" disabled={busy} autoFocus onClick={() => void run(() => endpoints.removeDevice(device.deviceId))}>
              {t('device.removeYes')}
            </button>
            <button type="button" className="button button-secondary button-small" onClick={() => setConfirmingRemove(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && <ErrorNote error={error} />}
    </article>
  );
}
