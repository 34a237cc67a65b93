// Who may do what, one readable line per feature. Routes ask these; templates use them to decide
// which links to show. A board member whose term has ended keeps the account but loses the
// board's rights: `sittingMember` is computed from terms by the session plugin.
import type { Role } from '../../domain/reference.js';

export interface Viewer {
  id: number;
  role: Role;
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
  submitNominations: (viewer: Viewer) => viewer.role === 'nominator',
  screenNominations: isSecretariat,
  viewNominations: (viewer: Viewer) => viewer.role !== 'board_member' || viewer.sittingMember,
  /** Board members and partners see shortlisted candidates; they vote on them later. */
  reviewShortlist: (viewer: Viewer) => isSittingBoardMember(viewer) || viewer.role === 'partner',
};

export type Permission = keyof typeof permissions;
