// Chart data for the board's composition: one bar per region and per migration context.
// The bars are drawn by views/partials/hbars.eta from these rows.
import { CONTEXT_LABELS, MIGRATION_CONTEXTS, REGIONS } from '../../domain/reference.js';
import type { SittingMember } from '../terms/sitting-members.js';

export interface ChartBar {
  label: string;
  count: number;
}

export function compositionBars(members: SittingMember[]): { regions: ChartBar[]; contexts: ChartBar[] } {
  return {
    regions: REGIONS.map((region) => ({
      label: region,
      count: members.filter((m) => m.region === region).length,
    })),
    contexts: MIGRATION_CONTEXTS.map((context) => ({
      label: CONTEXT_LABELS[context],
      count: members.filter((m) => m.term.contexts.includes(context)).length,
    })),
  };
}
