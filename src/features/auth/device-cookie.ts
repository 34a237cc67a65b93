// Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser in
// which someone has logged in to an account gets a signed cookie naming that account. Failed
// logins from such a browser are counted on their own, so an attacker guessing passwords from
// elsewhere — who can lock out unknown browsers — never locks the real member out.
import crypto from 'node:crypto';
import { sign, signatureMatches } from '../../lib/server-secret.js';

export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export function deviceCookieName(production: boolean): string {
  return production ? '__Host-device' : 'device';
}

/** `<device id>.<account, base64url>.<signature>`; the id is random, so each browser is told apart. */
export function issueDeviceCookie(key: Buffer, email: string): string {
  const deviceId = crypto.randomBytes(16).toString('base64url');
  const payload = `${deviceId}.${Buffer.from(email.toLowerCase()).toString('base64url')}`;
  return `${payload}.${sign(key, payload)}`;
}

/** The device's id when the cookie is genuine and was issued for this account; null otherwise. */
export function trustedDeviceId(key: Buffer, cookie: string | undefined, email: string): string | null {
  if (!cookie || cookie.length > 300) return null;
  const parts = cookie.split('.');
  if (parts.length !== 3) return null;
  const [deviceId, account, signature] = parts as [string, string, string];
  if (!signatureMatches(key, `${deviceId}.${account}`, signature)) return null;
  return Buffer.from(account, 'base64url').toString('utf8') === email.toLowerCase() ? deviceId : null;
}
