import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import * as endpoints from '../../api/endpoints';
import type { DeviceView, PendingChange } from '../../api/types';
import { ErrorNote } from '../../components/error-note';
import { platformName, stepName } from '../../components/words';
import { formatAgo, formatDateTime } from '../../i18n/format';
import { useIsAdmin } from '../../store/session-store';

/** The device's result for the pending change, in words and a shape (never colour alone). */
function ResultLine({ device, now }: { device: DeviceView; now: number }) {
  const { t, i18n } = useTranslation();
  const { result } = device;
  if (!device.syncEnabled) return <span className="state state-off">{t('device.result.syncOff')}</span>;
  switch (result.state) {
    case 'synced':
      return <span className="state state-ok">{t('device.result.synced', { ago: formatAgo(result.at, i18n.language, now) })}</span>;
    case 'failed':
      return (
        <span className="state state-failed">
          {result.failedStep ? t('device.result.failedAt', { step: stepName(i18n.language, device.platform, result.failedStep) }) : t('device.result.failed')}
          {result.reason && <span className="reason">{t('device.result.reason', { reason: result.reason })}</span>}
        </span>
      );
    case 'waiting':
      return <span className="state state-waiting">{device.online ? t('device.result.waiting') : t('device.result.waitingOffline')}</span>;
    case 'none':
      return <span className="state state-none">{t('device.result.none')}</span>;
  }
}

export function DeviceCard({ device, pendingChange, now, onChanged }: { device: DeviceView; pendingChange: PendingChange | null; now: number; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const isAdmin = useIsAdmin();
  const [error, setError] = useState<ApiError | null>(null);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const [busy, setBusy] = useState(false);
  const headingId = `device-${device.deviceId}`;
  const pendingHere = pendingChange && device.result.state !== 'synced' && device.syncEnabled ? pendingChange : null;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="device" aria-labelledby={headingId} data-device={device.deviceId}>
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
          <dd>
            <span className={device.online ? 'state state-ok' : 'state state-none'}>{device.online ? t('device.online') : t('device.offline')}</span>
          </dd>
        </div>
        <div>
          <dt>{t('device.lastCheckIn')}</dt>
          <dd>
            {device.lastCheckIn ? <time dateTime={device.lastCheckIn} title={formatDateTime(device.lastCheckIn, i18n.language)}>{formatAgo(device.lastCheckIn, i18n.language, now)}</time> : t('device.never')}
          </dd>
        </div>
        <div>
          <dt>{t('device.pendingChange')}</dt>
          <dd>{pendingHere ? t('device.changedAgo', { ago: formatAgo(pendingHere.createdAt, i18n.language, now) }) : t('device.noPending')}</dd>
        </div>
        <div className="fact-wide">
          <dt>{t('device.result.label')}</dt>
          <dd data-testid="device-result">
            <ResultLine device={device} now={now} />
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button type="button" className="button button-secondary button-small" disabled={busy} aria-describedby={headingId} onClick={() => run(() => endpoints.setDeviceSync(device.deviceId, !device.syncEnabled))}>
          {device.syncEnabled ? t('device.syncOff') : t('device.syncOn')}
        </button>
        {isAdmin && !confirmingRemove && (
          <button type="button" className="button button-danger-quiet button-small" disabled={busy} aria-describedby={headingId} onClick={() => setConfirmingRemove(true)}>
            {t('device.remove')}
          </button>
        )}
      </div>
      {confirmingRemove && (
        <div className="confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
          <p id={`${headingId}-confirm`}>{t('device.removeConfirm', { device: device.deviceName })}</p>
          <div className="actions">
            <button type="button" className="button button-danger button-small" disabled={busy} autoFocus onClick={() => run(() => endpoints.removeDevice(device.deviceId))}>
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
