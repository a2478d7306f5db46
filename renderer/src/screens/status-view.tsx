import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { ViewBack } from '../components/view-back';
import { formatDateTime } from '../i18n/format';
import { useAgentInfo, useLastCheckIn, useLastResult, usePendingChange, useUnreachable } from '../store/hooks';

/** The facts support asks about first: is the agent there, when did it last check, what is waiting, how did the last try end. */
export function StatusView() {
  const { t, i18n } = useTranslation();
  const agent = useAgentInfo();
  const unreachable = useUnreachable();
  const lastCheckIn = useLastCheckIn();
  const change = usePendingChange();
  const result = useLastResult();
  const when = (iso: string) => formatDateTime(iso, i18n.language) ?? iso;

  return (
    <section className="screen-body" aria-labelledby="status-heading">
      <ScreenHeading id="status-heading">{t('status.title')}</ScreenHeading>
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
        <dt>{t('status.lastCheckIn')}</dt>
        <dd data-fact="lastCheckIn">{lastCheckIn ? when(lastCheckIn) : t('status.never')}</dd>
        <dt>{t('status.pending')}</dt>
        <dd data-fact="pending">
          {change ? t('status.pendingChange', { provider: change.provider, time: when(change.createdAt) }) : t('status.none')}
        </dd>
        <dt>{t('status.lastResult')}</dt>
        <dd data-fact="lastResult">
          {result ? (
            <>
              {t(`status.outcome.${result.outcome}`, { time: when(result.finishedAt) })}
              {result.failedStep && <> {t('status.failedAt', { step: t(`confirming.steps.${result.failedStep}`) })}</>}
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
