/** Words the screens share: a platform's name, a step's name in the tray's own words, an audit action's. */
import type { TFunction } from 'i18next';
import type { Platform, SyncStep } from '../api/types';
import { trayWordsFor } from '../i18n';
import en from '../i18n/locales/en.json';

export function platformName(t: TFunction, platform: Platform): string {
  return t(`platforms.${platform}`);
}

/** The step as the person's own window named it (on Linux, its Linux words). */
export function stepName(language: string, platform: Platform, step: SyncStep): string {
  const words = trayWordsFor(language);
  return (platform === 'linux' ? words.linuxSteps[step] : undefined) ?? words.steps[step] ?? step;
}

export type AuditActionWord = keyof typeof en.audit.actions;

/** An action a newer directory logs that this page has no words for yet is shown by its code. */
export function isAuditAction(action: string): action is AuditActionWord {
  return Object.hasOwn(en.audit.actions, action);
}
