/**
 * Which walkthroughs fit a person, from what the directory knows of their devices:
 * a Mac online now is reached by the change at once, a Mac offline is not and starts up
 * still wanting the previous password; Windows and Linux need no typing. A person with
 * devices of several kinds gets each kind's walkthrough, Macs first.
 */
import type { DeviceView } from '../api/types';
import type { ConsoleSituation, Walkthrough } from './tray-words-types';

export function pickSituations(devices: readonly Pick<DeviceView, 'platform' | 'online'>[]): ConsoleSituation[] {
  const macs = devices.filter((device) => device.platform === 'darwin');
  const situations: ConsoleSituation[] = [];
  if (macs.length === 1) situations.push(macs[0]!.online ? 'oneMacOnline' : 'oneMacOffline');
  if (macs.length > 1) situations.push(macs.every((mac) => mac.online) ? 'severalMacsOnline' : 'severalMacsSomeOffline');
  if (devices.some((device) => device.platform === 'win32')) situations.push('windows');
  if (devices.some((device) => device.platform === 'linux')) situations.push('linux');
  return situations;
}

/** A walkthrough with the identity provider's name filled in, as the tray shows it. */
export function withProvider(walkthrough: Walkthrough, provider: string): Walkthrough {
  const fill = (text: string) => text.replaceAll('{{provider}}', provider);
  return { title: fill(walkthrough.title), when: fill(walkthrough.when), steps: walkthrough.steps.map(fill) };
}

/** The text "copy" puts on the clipboard: for an email or a chat to the person. */
export function walkthroughText(walkthrough: Walkthrough): string {
  return [walkthrough.title, '', walkthrough.when, '', ...walkthrough.steps.map((step, i) => `${i + 1}. ${step}`)].join('\n');
}
