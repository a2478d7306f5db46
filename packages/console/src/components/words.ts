/** Words the screens share: a platform's name, a step's name in the tray's own words. */
import type { TFunction } from 'i18next';
import type { Platform, SyncStep } from '../api/types';
import { trayWordsFor } from '../i18n';

export function platformName(t: TFunction, platform: Platform): string {
  return t(`platforms.${platform}`);
}

/** The step as the person's own window named it (on Linux, its Linux words). */
export function stepName(language: string, platform: Platform, step: SyncStep): string {
  const words = trayWordsFor(language);
  return (platform === 'linux' ? words.linuxSteps[step] : undefined) ?? words.steps[step] ?? step;
}
