// The counted ballots of a closed ballot in the recount format (CONTRACT.md): what anyone
// entitled downloads from the results page and counts again with `npm run cli -- tally`. Only
// the binding ballots are in it (they alone are counted), with their receipts and no voters.
// Candidates are named "Nominee (City)", made unique if two share a name. A yes/no ballot is
// written as a plurality count between "yes" and "no": the candidate is elected only if "yes"
// wins it.
import type { Db, Tx } from '../../db/client.js';
import { type BallotRecord, candidatesOf, votesOf } from './queries.js';
import type { RecountInput } from './recount.js';

export function candidateNames(db: Db | Tx, ballotId: number): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const nomination of candidatesOf(db, ballotId)) {
    let name = `${nomination.nomineeName} (${nomination.cityName})`;
    if (used.has(name)) name = `${name} #${nomination.id}`;
    used.add(name);
    names.set(String(nomination.id), name);
  }
  return names;
}

export function ballotsFile(db: Db | Tx, ballot: BallotRecord): RecountInput {
  const names = candidateNames(db, ballot.id);
  const counted = votesOf(db, ballot.id).filter((vote) => vote.binding);
  if (ballot.method === 'confirm') {
    return {
      method: 'single',
      candidates: ['yes', 'no'],
      ballots: counted.map((vote) => ({ choices: vote.choices, receipt: vote.receipt })),
    };
  }
  return {
    method: ballot.method,
    candidates: [...names.values()],
    ballots: counted.map((vote) => ({
      choices: vote.choices.map((id) => names.get(id)!),
      receipt: vote.receipt,
    })),
  };
}
