// Changes the diversity rules and their enforcement (secretariat). Refuses values out of range or
// beyond the board's size (422, beside the field); the size is read in the same transaction, so a
// board shrunk a moment ago by someone else is respected.
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { list, parseForm, wholeNumber } from '../../lib/forms.js';
import type { Actor } from '../audit-log/audit-log.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { getSettings, saveSettings } from './settings.js';

const diversityForm = z.object({
  maxSeatsPerRegion: wholeNumber('the maximum seats per region', 1, 30),
  minRegions: wholeNumber('the minimum number of regions', 0, 7),
  requiredContexts: list(z.enum(MIGRATION_CONTEXTS, { error: 'Choose contexts from the list.' })),
  minSecondaryCities: wholeNumber('the minimum number of secondary cities', 0, 30),
  enforcement: z.enum(['warn', 'block'], { error: 'Choose warn or block.' }),
});

export function updateDiversitySettings(
  db: Db,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<null> {
  if (!permissions.manageSettings(viewer)) return refused(403, 'Only the secretariat changes the settings.');
  const form = parseForm(diversityForm, input);
  if (!form.ok) return invalid(form.errors);
  const { enforcement, ...diversity } = form.data;
  const actor: Actor = { id: viewer.id, label: viewer.email };

  return db.transaction((tx) => {
    const before = getSettings(tx);
    const { boardSize } = before;
    if (diversity.maxSeatsPerRegion > boardSize)
      return invalid({
        maxSeatsPerRegion: `The board has ${boardSize} seats; a region cannot be allowed more.`,
      });
    if (diversity.minRegions > boardSize)
      return invalid({
        minRegions: `The board has ${boardSize} seats; it cannot hold more regions than that.`,
      });
    if (diversity.minSecondaryCities > boardSize)
      return invalid({ minSecondaryCities: `The board has ${boardSize} seats.` });
    saveSettings(tx, { diversity, enforcement });
    recordAudit(tx, {
      actor,
      action: 'settings.diversity',
      subjectType: 'settings',
      subjectId: 'diversity',
      details: {
        before: { ...before.diversity, enforcement: before.enforcement },
        after: { ...diversity, enforcement },
      },
      at: now,
    });
    return ok(null);
  });
}
