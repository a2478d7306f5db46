import { useTranslation } from 'react-i18next';

const MARK = '\u0001';

/** "The agent said: …" in the page's language, the agent's own reason marked as the English it is, so a screen reader reads it as English. */
export function AgentReason({ reason }: { reason: string }) {
  const { t } = useTranslation();
  const [before, after = ''] = t('device.result.reason', { reason: MARK }).split(MARK);
  return (
    <span className="reason">
      {before}
      <span lang="en">{reason}</span>
      {after}
    </span>
  );
}
