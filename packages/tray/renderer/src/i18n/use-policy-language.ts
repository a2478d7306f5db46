import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/app-store';
import { preferredLanguage, switchLanguage } from './index';

/**
 * The administrator's language wins over the system's; with none, the system's
 * (already applied at start-up) stays. Policy arrives with the first state.
 */
export function usePolicyLanguage(): void {
  const { i18n } = useTranslation();
  const policyLanguage = useAppStore((store) => store.appState?.policy.language ?? null);
  useEffect(() => {
    switchLanguage(i18n, policyLanguage ?? preferredLanguage()).catch(() => undefined);
  }, [i18n, policyLanguage]);
}
