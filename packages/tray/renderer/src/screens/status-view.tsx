import { useTranslation } from 'react-i18next';
import { type AppState, changeOf, type WindowState } from '../app-types';
import { DirectoryNotices } from '../components/directory-notices';
import { ScreenHeading } from '../components/screen-heading';
import { ViewBack } from '../components/view-back';
import { formatDateTime } from '../i18n/format';
import { stepLabel } from '../i18n/step-labels';
import { lockedNow } from '../components/attempts-warning';
import { useAgentInfo, useAttempts, useDirectory, useLastCheckIn, useLastResult, useNotificationsBlocked, usePlatform, useProvider, useSyncWords } from '../store/hooks';

/**
 * The facts support asks about first: is the agent there, can changes reach it, when
 * did it last check, what is waiting, how did the last try end. Beside any phase, so
 * it reads what that phase holds.
 */
export function StatusView({ state }: { state: WindowState }) {
  const { t, i18n } = useTranslation();
  const agent = useAgentInfo();
  const directory = useDirectory();
  const provider = useProvider();
  // Only a connected agent's view of the directory is current; none configured is said once, plainly.
  const shownDirectory = agent ? directory : null;
  // Not connected without a reason of its own (connecting, or a sync's outcome still being checked): the agent is not running, as far as anyone knows.
  const unreachable = state.phase === 'unreachable' ? state.reason : 'notRunning';
  const lastCheckIn = useLastCheckIn();
  const change = changeOf(state);
  const result = useLastResult();
  const words = useSyncWords();
  const when = (iso: string) => formatDateTime(iso, i18n.language) ?? iso;
  const attempts = useAttempts();
  const notificationsBlocked = useNotificationsBlocked();
  const platform = usePlatform();

  return (
    <section className="screen-body" aria-labelledby="status-heading">
      <ScreenHeading id="status-heading">{t('status.title')}</ScreenHeading>
      {shownDirectory && <DirectoryNotices />}
      <dl className="facts">
        <dt>{t('status.agent')}</dt>
        <dd data-fact="agent">
          {agent ? (
            <>
              <span aria-hidden="true">✓ </span>
              {t('status.connected', { version: agent.version, user: agent.user })}
            </>
          ) : (
            <>
              <span aria-hidden="true">✕ </span>
              {t('status.notConnected', { reason: t(`unreachable.${unreachable}.title`) })}
            </>
          )}
        </dd>
        {shownDirectory && (
          <>
            <dt>{t('status.directory.label', { provider })}</dt>
            <dd data-fact="directory">
              {t(`status.directory.${shownDirectory.state}`)}
              {shownDirectory.state === 'offline' && <span className="fact-note">{t('notices.offline', { provider })}</span>}
            </dd>
          </>
        )}
        {shownDirectory && shownDirectory.state !== 'none' && (
          <>
            <dt>{t('status.account.label', { provider })}</dt>
            <dd data-fact="account">
              {shownDirectory.userName
                ? t('status.account.named', { name: shownDirectory.userName, state: t(`status.account.${shownDirectory.account}`) })
                : t(`status.account.${shownDirectory.account}`)}
            </dd>
            <dt>{t('status.sync.label')}</dt>
            <dd data-fact="sync">{t(shownDirectory.syncEnabled ? 'status.sync.on' : 'status.sync.off')}</dd>
          </>
        )}
        <dt>{t('status.lastCheckIn')}</dt>
        <dd data-fact="lastCheckIn">{lastCheckIn ? when(lastCheckIn) : t('status.never')}</dd>
        <dt>{t('status.pending')}</dt>
        <dd data-fact="pending">
          {change ? t('status.pendingChange', { provider: change.provider, time: when(change.createdAt) }) : t('status.none')}
        </dd>
        {agent && attempts && (
          <>
            <dt>{t('status.attempts.label')}</dt>
            <dd data-fact="attempts">
              <AttemptsFact attempts={attempts} when={when} />
            </dd>
          </>
        )}
        {/* Only when known to be blocked: a host without a notifier (the browser demo) cannot say they are shown. */}
        {notificationsBlocked && (
          <>
            <dt>{t('status.notifications.label')}</dt>
            <dd data-fact="notifications">
              {t('status.notifications.blocked')}
              <span className="fact-note">{t(`notifications.howTo.${platform}`)}</span>
            </dd>
          </>
        )}
        <dt>{t('status.lastResult')}</dt>
        <dd data-fact="lastResult">
          {result ? (
            <>
              {t(`status.outcome.${result.outcome}`, { time: when(result.finishedAt) })}
              {result.failedStep && <> {t('status.failedAt', { step: stepLabel(t, result.failedStep, words) })}</>}
            </>
          ) : (
            t('status.none')
          )}
        </dd>
      </dl>
      <ViewBack />
    </section>
  );
}

/** Wrong tries as the agent counts them: waiting until when, the next wrong one waits, or how many are left (the problem screen's words). */
function AttemptsFact({ attempts, when }: { attempts: NonNullable<AppState['attempts']>; when: (iso: string) => string }) {
  const { t } = useTranslation();
  if (attempts.lockedUntil !== null && lockedNow(attempts.lockedUntil)) return <>{t('status.attempts.lockedUntil', { time: when(attempts.lockedUntil) })}</>;
  if (attempts.left === 0) return <>{t('status.attempts.none')}</>;
  return <>{t('attention.attemptsLeft', { count: attempts.left })}</>;
}
