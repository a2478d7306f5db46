declare module 'virtual:tray-words' {
  import type { TrayWords } from './tray-words-types';
  export const english: TrayWords;
  export const loaders: Record<string, () => Promise<TrayWords>>;
}
