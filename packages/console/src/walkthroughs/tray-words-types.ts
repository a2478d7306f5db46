/** The shape of the tray's words the console repeats (../../tray-words.ts builds them at build time). */
import type { Situation } from '@pwsync/console-contract';

/** Every walkthrough the tray's Help has, in its order; the contract names the same situations. */
export const CONSOLE_SITUATIONS = ['oneMacOnline', 'oneMacOffline', 'severalMacsOnline', 'severalMacsSomeOffline', 'forgotPrevious', 'windows', 'linux'] as const satisfies readonly Situation[];
export type ConsoleSituation = (typeof CONSOLE_SITUATIONS)[number];

export interface Walkthrough {
  title: string;
  when: string;
  /** May hold {{provider}}: the console fills in the organisation's identity provider. */
  steps: string[];
  /** forgotPrevious only: the steps where the organisation does not offer starting over. */
  stepsNotOffered?: string[];
}

export interface TrayWords {
  situations: Record<ConsoleSituation, Walkthrough>;
  /** The agent's steps as the Mac's window names them. */
  steps: Record<string, string>;
  /** The same steps as the Linux window names them, where they differ. */
  linuxSteps: Record<string, string>;
}
