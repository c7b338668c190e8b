// How the app writes sizes, durations and times. Pure functions, one place.

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB"; decimal units, as file managers on phones and macOS show them. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${SIZE_UNITS[unit]}`;
}

/** Seconds as a player shows them: 67 → "1:07", 2467 → "41:07", 3725 → "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return '';
  const whole = Math.floor(totalSeconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${minutes}:${ss}`;
}

// Each unit is used up to a point below the next one (moment.js's thresholds): 23 h 50 min is "in 1 day".
const RELATIVE_STEPS: [unit: Intl.RelativeTimeFormatUnit, seconds: number, upTo: number][] = [
  ['second', 1, 45],
  ['minute', 60, 45],
  ['hour', 3600, 22],
  ['day', 86_400, 6.5],
  ['week', 7 * 86_400, 4],
  ['month', 30 * 86_400, 11],
  ['year', 365 * 86_400, Number.POSITIVE_INFINITY],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", "yesterday", "in 2 hours". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const deltaSeconds = (Date.parse(iso) - now) / 1000;
  if (!Number.isFinite(deltaSeconds)) return '';
  if (Math.abs(deltaSeconds) < 10) return 'just now';
  for (const [unit, seconds, upTo] of RELATIVE_STEPS) {
    const amount = deltaSeconds / seconds;
    if (Math.abs(amount) < upTo) return relativeFormat.format(Math.round(amount), unit);
  }
  return '';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A full local date and time, for tooltips and history. */
export function formatDateTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isFinite(time) ? dateTimeFormat.format(time) : '';
}

/** "mkv" from "Episode 1.MKV"; empty when the name has no extension. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  return name.slice(dot + 1).toLowerCase();
}

/** "123456" → "123 456": a code is easier to read and type in groups of three. */
export function groupDigits(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}
