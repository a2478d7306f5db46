import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Copies text for support to paste into an email or chat, and says so where a screen reader hears it. */
export function CopyButton({ text, label, describedBy }: { text: string; label: string; describedBy?: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'none' | 'copied' | 'failed'>('none');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  }
  return (
    <span className="copy">
      <button type="button" className="button button-secondary button-small" onClick={copy} aria-describedby={describedBy}>
        {label}
      </button>
      <span className="muted" role="status">
        {status === 'copied' && t('common.copied')}
        {status === 'failed' && t('common.copyFailed')}
      </span>
    </span>
  );
}
