// Who may do what, one readable line per rule. Routes ask these before an action runs, actions
// and queries apply them to the objects they touch, and templates get their answers (`it.can`)
// to decide which controls to show. A board member whose term has ended keeps the account but
// loses the board's rights: `sittingMember` is worked out from the terms on every request.
import { SHORTLIST_STATUSES } from '../../domain/nomination-rules.js';
import type { NominationStatus, Role, VacancyStatus } from '../../domain/reference.js';

export interface Viewer {
  id: number;
  role: Role;
  email: string;
  displayName: string;
  cityId: number | null;
  partnerOrganisation: string | null;
  /** True for a board member with an active term today. */
  sittingMember: boolean;
}

const isSecretariat = (viewer: Viewer) => viewer.role === 'secretariat';
const isSittingBoardMember = (viewer: Viewer) => viewer.role === 'board_member' && viewer.sittingMember;

export const permissions = {
  viewTerms: (viewer: Viewer) => isSecretariat(viewer) || isSittingBoardMember(viewer),
  manageTerms: isSecretariat,
  manageVacancies: isSecretariat,
  viewVacancies: (_viewer: Viewer) => true,
  manageSettings: isSecretariat,
  viewAudit: isSecretariat,
  manageAccounts: isSecretariat,
  /** Outgoing e-mail: what is waiting or failed, and sending a failed message again. */
  manageOutbox: isSecretariat,
  submitNominations: (viewer: Viewer) => viewer.role === 'nominator',
  reviewNominations: isSecretariat,
  viewNominations: (viewer: Viewer) => viewer.role !== 'board_member' || viewer.sittingMember,
  /** The secretariat runs ballots: creates, closes, settles ties, certifies. */
  manageBallots: isSecretariat,
  /** Who takes part in selection ballots: sitting members and partner organisations. */
  takePartInBallots: (viewer: Viewer) => isSittingBoardMember(viewer) || viewer.role === 'partner',
  /** The secretariat watches every alert; everyone else sees their own. */
  viewAllAlerts: isSecretariat,
  /** Board members and partners see shortlisted candidates; they vote on them later. */
  viewShortlist: (viewer: Viewer) => isSittingBoardMember(viewer) || viewer.role === 'partner',
};

export type Permission = keyof typeof permissions;

/** Each permission answered for one viewer, as templates receive it (`it.can.manageTerms`). */
export function permissionsOf(viewer: Viewer | null): Record<Permission, boolean> {
  return Object.fromEntries(
    Object.entries(permissions).map(([name, check]) => [name, viewer ? check(viewer) : false]),
  ) as Record<Permission, boolean>;
}

/**
 * The secretariat sees every vacancy; board members and partners follow one from its opening
 * through screening to the ballot (the shortlist is decided then); nominators see open ones.
 */
export function canSeeVacancy(viewer: Viewer, status: VacancyStatus): boolean {
  if (permissions.manageVacancies(viewer)) return true;
  if (permissions.viewShortlist(viewer)) return ['open', 'screening', 'balloting'].includes(status);
  return status === 'open';
}

export interface NominationVisibility {
  nominatedBy: number;
  submittedAt: string | null;
  status: NominationStatus;
}

/**
 * A nominator sees their own nominations; the secretariat every nomination ever submitted (a draft
 * stays its nominator's alone); board members and partners the shortlist and what became of it.
 */
export function canSeeNomination(viewer: Viewer, nomination: NominationVisibility): boolean {
  if (nomination.nominatedBy === viewer.id) return true;
  if (nomination.submittedAt === null) return false;
  if (permissions.reviewNominations(viewer)) return true;
  return permissions.viewShortlist(viewer) && SHORTLIST_STATUSES.includes(nomination.status);
}

/**
 * A ballot is seen by the secretariat and by its voters: once open, the voter roll says who they
 * are (a member whose term has since ended included); before that, those who would be on it.
 */
export function canSeeBallot(viewer: Viewer, ballot: { status: string }, onRoll: boolean): boolean {
  if (permissions.manageBallots(viewer)) return true;
  if (ballot.status === 'draft') return permissions.takePartInBallots(viewer);
  if (ballot.status === 'cancelled') return false;
  return onRoll;
}
