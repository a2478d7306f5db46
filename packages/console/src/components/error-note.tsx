import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

/** What went wrong with a call, in words, and what to do; never the server's raw message. */
export function ErrorNote({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  return (
    <p className="note note-danger" role="alert">
      {t(`errors.${error.code}`)}
    </p>
  );
}
