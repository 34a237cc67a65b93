// The main navigation, by what the viewer may see.
import { permissions, type Viewer } from '../auth/permissions.js';

export interface NavLink {
  href: string;
  label: string;
  /** A number shown beside the label (unacknowledged alerts). */
  count?: number;
}

export function navigationFor(viewer: Viewer | null, alertCount = 0): NavLink[] {
  const links: NavLink[] = [{ href: '/board', label: 'The board' }];
  if (!viewer) return links;
  links.unshift({ href: '/', label: 'Dashboard' });
  if (permissions.viewTerms(viewer)) links.push({ href: '/terms', label: 'Terms' });
  links.push({ href: '/vacancies', label: 'Vacancies' });
  if (permissions.viewNominations(viewer)) links.push({ href: '/nominations', label: 'Nominations' });
  if (permissions.manageAccounts(viewer)) links.push({ href: '/accounts', label: 'Accounts' });
  if (permissions.manageSettings(viewer)) links.push({ href: '/settings', label: 'Settings' });
  if (permissions.viewAudit(viewer)) links.push({ href: '/audit', label: 'Audit log' });
  links.push({ href: '/alerts', label: 'Alerts', count: alertCount });
  links.push({ href: '/account', label: 'Account' });
  return links;
}
