// Reading a vote from its form (CONTRACT.md, `POST /ballots/:id/votes`), by method: `ranked`
// `rank_<nominationId>` = 1..n (blank = unranked); `approval` `approve` (repeated ids); `single`
// `choice`; `confirm` `decision` (yes/no/abstain); any method `abstain=on`. The choices come out
// as the tally reads them: nomination ids in preference order, or yes/no; an abstention is none.
import type { BallotMethod } from '../../db/schema.js';
import type { FieldErrors } from '../../lib/forms.js';
import { formBody } from '../../lib/forms.js';

export type VoteReading =
  | { ok: true; choices: string[]; abstain: boolean }
  | { ok: false; errors: FieldErrors };

const single = (value: unknown): string | null | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value.trim() : null;

export function readVote(method: BallotMethod, candidateIds: number[], input: unknown): VoteReading {
  const body = formBody(input);
  const abstain = single(body.abstain);
  if (abstain === null || (abstain !== undefined && abstain !== 'on' && abstain !== ''))
    return { ok: false, errors: { abstain: 'Tick the box to abstain, or leave it empty.' } };
  if (abstain === 'on') return { ok: true, choices: [], abstain: true };
  const ids = new Set(candidateIds.map(String));

  switch (method) {
    case 'ranked': {
      const ranked: Array<{ id: string; rank: number }> = [];
      const errors: FieldErrors = {};
      for (const id of ids) {
        const value = single(body[`rank_${id}`]);
        if (value === undefined || value === '') continue;
        if (value === null || !/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > ids.size) {
          errors[`rank_${id}`] = `Give a rank from 1 to ${ids.size}, or leave it blank.`;
          continue;
        }
        ranked.push({ id, rank: Number(value) });
      }
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const ranks = ranked.map((r) => r.rank);
      if (new Set(ranks).size !== ranks.length) {
        const repeated = ranks.find((rank, i) => ranks.indexOf(rank) !== i)!;
        return {
          ok: false,
          errors: { _vote: `Give each rank once: rank ${repeated} is given to more than one candidate.` },
        };
      }
      if (ranked.length === 0)
        return { ok: false, errors: { _vote: 'Rank at least one candidate, or tick “I abstain”.' } };
      return { ok: true, choices: ranked.sort((a, b) => a.rank - b.rank).map((r) => r.id), abstain: false };
    }
    case 'approval': {
      const raw =
        body.approve === undefined ? [] : Array.isArray(body.approve) ? body.approve : [body.approve];
      if (raw.some((value) => typeof value !== 'string' || !ids.has(value)))
        return { ok: false, errors: { approve: 'Approve candidates from the list.' } };
      const approved = [...new Set(raw as string[])];
      if (approved.length === 0)
        return { ok: false, errors: { _vote: 'Approve at least one candidate, or tick “I abstain”.' } };
      // In the ballot's own order, so that the order of the ticks says nothing.
      return { ok: true, choices: [...ids].filter((id) => approved.includes(id)), abstain: false };
    }
    case 'single': {
      const choice = single(body.choice);
      if (!choice) return { ok: false, errors: { choice: 'Choose one candidate, or tick “I abstain”.' } };
      if (!ids.has(choice)) return { ok: false, errors: { choice: 'Choose a candidate from the list.' } };
      return { ok: true, choices: [choice], abstain: false };
    }
    case 'confirm': {
      const decision = single(body.decision);
      if (decision === 'abstain') return { ok: true, choices: [], abstain: true };
      if (decision !== 'yes' && decision !== 'no')
        return { ok: false, errors: { decision: 'Choose yes, no or abstain.' } };
      return { ok: true, choices: [decision], abstain: false };
    }
  }
}
