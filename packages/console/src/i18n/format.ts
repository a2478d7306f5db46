/** Times as a person reads them: "5 minutes ago", "1 Dec 2026, 10:42", in the console's language. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

export function formatAgo(iso: string, language: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  // "now" would read as if nothing had happened yet ("Changed at Okta now"): seconds say it plainly.
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'always' });
  const unit = UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? (['second', 1] as const);
  // Past times only (the directory's clock is applied before): a moment in the future is "0 seconds ago", -0 being past to Intl.
  const value = Math.round(seconds / unit[1]);
  return format.format(value < 0 ? value : -0, unit[0]);
}

export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}
