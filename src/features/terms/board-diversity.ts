// The board's diversity on a given day: who sits, the composition by region and context, and
// the rules (from the settings) the board breaks. The terms page shows it as a matrix.
import type { Db, Tx } from '../../db/client.js';
import type { IsoDate } from '../../domain/dates.js';
import { composition, ruleBreaches } from '../../domain/diversity.js';
import { getSettings } from '../settings/settings.js';
import { asBoardMember, sittingMembers } from './sitting-members.js';

export function boardDiversityOn(db: Db | Tx, day: IsoDate) {
  const members = sittingMembers(db, day);
  const settings = getSettings(db);
  const board = members.map(asBoardMember);
  return {
    day,
    members,
    boardSize: settings.boardSize,
    rules: settings.diversity,
    composition: composition(board),
    breaches: ruleBreaches(board, settings.diversity),
  };
}

export type BoardDiversity = ReturnType<typeof boardDiversityOn>;
