/** Small formatting helpers for the Versions panel. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60]
];
const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "yesterday", "just now". */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) {
    return '';
  }
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return rtf.format(Math.round(seconds / size), unit);
    }
  }
  return 'just now';
}

export function formatValue(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? String(value)
      : String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}

export function formatBytes(size: number | undefined): string {
  if (size === undefined || size === null) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = size;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** One of a few theme colours per branch name, for the lane marker. */
export function laneColor(branch: string | null): string {
  const colors = [
    'var(--jp-brand-color1)',
    'var(--jp-accent-color1)',
    'var(--jp-warn-color1)',
    'var(--jp-success-color1)',
    'var(--jp-error-color1)',
    'var(--jp-brand-color3)'
  ];
  let h = 0;
  for (const ch of branch ?? '') {
    h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  }
  return colors[h % colors.length];
}
