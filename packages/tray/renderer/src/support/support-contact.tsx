import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context';
import { usePolicy } from '../store/hooks';

type OpenStatus = 'none' | 'opened' | 'failed';

/** Who helps, as the administrator's policy names them, and their support page. */
export function SupportContact() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const policy = usePolicy();
  const [status, setStatus] = useState<OpenStatus>('none');
  if (!policy) return null;

  async function openPage() {
    try {
      setStatus((await bridge.openSupport()).ok ? 'opened' : 'failed');
    } catch {
      setStatus('failed');
    }
  }

  return (
    <div className="contact">
      <h2 className="subheading">{t('support.contactTitle')}</h2>
      {policy.supportContact ? (
        <p>{policy.organization ? t('support.contactAt', { contact: policy.supportContact, organization: policy.organization }) : policy.supportContact}</p>
      ) : (
        <p>{t('support.contactDefault')}</p>
      )}
      {policy.supportUrl && (
        <div className="actions actions-start">
          <button type="button" className="button button-secondary" onClick={openPage}>
            {t('support.openPage')}
          </button>
        </div>
      )}
      <p className="muted" role="status">
        {status === 'opened' && t('support.pageOpened')}
        {status === 'failed' && t('support.pageFailed', { url: policy.supportUrl ?? '' })}
      </p>
    </div>
  );
}
