import { useTranslation } from 'react-i18next';
import { useDirectory, useProvider } from '../store/hooks';

/**
 * What the directory says that the person must know: their account is deactivated, or
 * an administrator turned sync off, so changes made at the identity provider will not
 * arrive here. Nothing when no directory is configured.
 */
export function DirectoryNotices() {
  const { t } = useTranslation();
  const directory = useDirectory();
  const provider = useProvider();
  if (!directory || !changesCannotArrive(directory)) return null;
  return (
    <>
      {directory.account === 'deactivated' && (
        <Notice kind="deactivated" title={t('notices.deactivated.title', { provider })} body={t('notices.deactivated.body')} />
      )}
      {!directory.syncEnabled && <Notice kind="syncOff" title={t('notices.syncOff.title')} body={t('notices.syncOff.body', { provider })} />}
    </>
  );
}

/** The directory says changes made at the identity provider will not reach this computer. */
export function changesCannotArrive(directory: ReturnType<typeof useDirectory>): boolean {
  if (!directory || directory.state === 'none') return false;
  return directory.account === 'deactivated' || !directory.syncEnabled;
}

/** A heading of its own, so a screen reader can find it among the screen's headings. */
function Notice({ kind, title, body }: { kind: string; title: string; body: string }) {
  return (
    <div className="note note-warning" data-notice={kind}>
      <h2 className="note-title">
        <span aria-hidden="true">! </span>
        {title}
      </h2>
      <p>{body}</p>
    </div>
  );
}
