/** Reads a systemd unit file as systemd does for the keys the tests look at. */

/** The [Service] keys of a unit file, each with all its values in order. */
export function unitKeys(text: string, section = 'Service'): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1]!;
      continue;
    }
    if (current !== section) continue;
    const at = line.indexOf('=');
    const key = line.slice(0, at);
    keys.set(key, [...(keys.get(key) ?? []), line.slice(at + 1)]);
  }
  return keys;
}
