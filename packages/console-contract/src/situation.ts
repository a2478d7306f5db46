/**
 * Which walkthrough fits a person, from their devices' state: the directory picks it
 * for the person's page, and the page may use the same rule. Macs come first, since
 * only there does the person type into pwsync; then Windows, then Linux.
 */
import type { DeviceView, Situation } from './schemas';

export function pickSituation(devices: ReadonlyArray<Pick<DeviceView, 'platform' | 'online' | 'state'>>): Situation | null {
  const macs = devices.filter((d) => d.platform === 'darwin');
  if (macs.length === 1) return macs[0]!.online ? 'oneMacOnline' : 'oneMacOffline';
  if (macs.length > 1) {
    // A Mac that has synced needs nothing more; the rest decide.
    const open = macs.filter((d) => d.state !== 'synced');
    return (open.length ? open : macs).every((d) => d.online) ? 'severalMacsOnline' : 'severalMacsSomeOffline';
  }
  if (devices.some((d) => d.platform === 'win32')) return 'windows';
  if (devices.some((d) => d.platform === 'linux')) return 'linux';
  return null;
}
