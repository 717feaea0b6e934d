/** How run history and run comparison write a run's figures. */
import { DEFAULT_VALUES, type PlaygroundValues } from '../app/playground-values.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time, `2026-12-01 11:24`. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A 0..1 share as a percent with one decimal; a dash for none. */
export function formatShare(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '–' : `${(share * 100).toFixed(1)}%`;
}

export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? perSecond.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '–';
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
}

export interface SettingDifference {
  key: keyof PlaygroundValues;
  a: string;
  b: string;
}

/** The settings two runs differ in, in PlaygroundValues' order. */
export function differingSettings(a: PlaygroundValues, b: PlaygroundValues): SettingDifference[] {
  const keys = Object.keys(DEFAULT_VALUES) as Array<keyof PlaygroundValues>;
  return keys.filter((k) => a[k] !== b[k]).map((k) => ({ key: k, a: String(a[k]), b: String(b[k]) }));
}
