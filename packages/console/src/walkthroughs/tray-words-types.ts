/** The shape of the tray's words the console repeats (../../tray-words.ts builds them at build time). */
export const CONSOLE_SITUATIONS = ['oneMacOnline', 'oneMacOffline', 'severalMacsOnline', 'severalMacsSomeOffline', 'windows', 'linux'] as const;
export type ConsoleSituation = (typeof CONSOLE_SITUATIONS)[number];

export interface Walkthrough {
  title: string;
  when: string;
  /** May hold {{provider}}: the console fills in the organisation's identity provider. */
  steps: string[];
}

export interface TrayWords {
  situations: Record<ConsoleSituation, Walkthrough>;
  /** The agent's steps as the Mac's window names them. */
  steps: Record<string, string>;
  /** The same steps as the Linux window names them, where they differ. */
  linuxSteps: Record<string, string>;
}
