/**
 * The checks every option goes through, and the one message format they
 * share: "`DataLoader` option `x` must be ...; got <value as written>."
 */
import { OptionError } from './errors.ts';

/** setTimeout fires at once for delays past 2^31 - 1 ms, so larger bounds are refused, not silently broken. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The bad value as the user wrote it: JSON would print NaN and Infinity as null. */
function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** `api` names who was given the option: the DataLoader, or a consumer using a shared check (normalizeChannels). */
export function fail(option: string, value: unknown, fix: string, api = 'DataLoader'): never {
  throw new OptionError(`\`${api}\` option \`${option}\` ${fix}; got ${show(value)}.`);
}

export function positiveInt(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
    fail(option, value, `must be an integer from 1 to ${max}`);
  }
  return value as number;
}

/** A bound in ms: 0 (none) up to what setTimeout can wait. */
export function boundedMs(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    fail(option, value, `must be 0 (no limit) or a number of ms up to ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

export function count(option: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max) fail(option, value, `must be an integer from 0 to ${max}`);
  return value as number;
}

