// The authorization matrix, as data: every route the app registers, with a concrete address (the
// ids of real objects in the world of world.ts), a form that would succeed where one is posted,
// and what each of the seven roles must get. Rows beyond the first for a route name an object in
// another state or owned by someone else: another nominator's nomination, another voter's
// receipt, someone else's alert, another account's calendar address. authorization-matrix.test.ts
// drives every cell through the real app; a route registered without a row fails it.
//
// Columns, in order:
//   anonymous | secretariat | board member (Amman) | former board member (Montreal, term ended) |
//   partner (C40) | nominator (Montevideo, who made nomination 1) | another city's nominator (Bogota)
//
// A cell is the status expected, and for a POST also what it does:
//   a bare status  — answered without changing anything (the database is compared before and after);
//   LOGIN          — 303 to /login, nothing changed (not logged in);
//   done(status)   — succeeds and changes state: run on an app of its own, it writes an audit entry;
//   same(status)   — a POST that succeeds and by design changes nothing (the vote's confirmation step).
import { demoEmail } from '../../src/demo/seed-demo.js';
import { DEMO_PASSWORD } from '../helpers/app.js';
import {
  athensBallotForm,
  BOGOTA,
  type Form,
  MONTEVIDEO,
  nominationForm,
  ROLE_ACCOUNTS,
  ROLES,
  type Role,
  type StateName,
  TODAY,
  type WorldIds,
} from './world.js';

export interface Expectation {
  status: number;
  /** The request changes state: it gets an app of its own and must write an audit entry. */
  changes: boolean;
  /** Where a redirect must lead (a prefix). */
  location?: string;
}

export type Cell = number | Expectation;
export type Row7 = readonly [Cell, Cell, Cell, Cell, Cell, Cell, Cell];

export const LOGIN: Expectation = { status: 303, changes: false, location: '/login' };
export const done = (status: number): Expectation => ({ status, changes: true });
export const same = (status: number): Expectation => ({ status, changes: false });

export interface MatrixRow {
  /** Method and path pattern exactly as registered, e.g. `POST /ballots/:id/votes`. */
  route: string;
  /** What this row is about when the route has several: whose object, in which state. */
  case?: string;
  state: StateName;
  url: (ids: WorldIds) => string;
  form?: (ids: WorldIds, role: Role) => Form;
  /** Cookies a browser would hold besides the session's (another voter's receipt, say). */
  cookies?: (ids: WorldIds) => string[];
  /**
   * What the page reveals to whom: `text` must be in the answer to the roles in `to` (so the
   * check can fail) and never in the answer to those in `never`: another nominator's nominee,
   * someone else's alert, another voter's receipt, a secret ballot's voters.
   */
  reveals?: ReadonlyArray<{ text: (ids: WorldIds) => string; to: readonly Role[]; never: readonly Role[] }>;
  expect: Row7;
}

export function expectationOf(cell: Cell): Expectation {
  return typeof cell === 'number' ? { status: cell, changes: false } : cell;
}

export function cellsOf(row: MatrixRow): Array<{ role: Role; expectation: Expectation }> {
  return ROLES.map((role, index) => ({ role, expectation: expectationOf(row.expect[index]!) }));
}

export const methodOf = (row: MatrixRow) => row.route.split(' ')[0] as 'GET' | 'POST';
export const patternOf = (row: MatrixRow) => row.route.split(' ')[1]!;

// --- Forms that succeed ---------------------------------------------------------------------------

const NEW_PASSWORD = 'a-new-long-passphrase';
const ownLogin = (_ids: WorldIds, role: Role): Form => ({
  email: demoEmail(role === 'anonymous' ? ROLE_ACCOUNTS.otherNominator : ROLE_ACCOUNTS[role]),
  password: DEMO_PASSWORD,
});
const nominationFor = (ids: WorldIds, role: Role): Form =>
  role === 'nominator'
    ? nominationForm(MONTEVIDEO, ids.vacancies.athens, 'submit')
    : nominationForm(BOGOTA, ids.vacancies.athens, 'submit');
const rankAll = (): Form => ({ rank_1: '1', rank_2: '2', rank_3: '3' });

// --- The matrix ---------------------------------------------------------------------------------
export const MATRIX: readonly MatrixRow[] = [
  // Public pages
  { route: 'GET /', state: 'screening', url: () => '/', expect: [200, 200, 200, 200, 200, 200, 200] },
  {
    route: 'GET /board',
    state: 'screening',
    url: () => '/board',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /healthz',
    state: 'screening',
    url: () => '/healthz',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /static/:name',
    state: 'screening',
    url: () => '/static/htmx.min.js',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /login',
    case: 'a logged-in user is sent on',
    state: 'screening',
    url: () => '/login',
    expect: [200, 303, 303, 303, 303, 303, 303],
  },
  {
    route: 'GET /favicon.ico',
    case: 'sent on to the stylesheet’s icon',
    state: 'screening',
    url: () => '/favicon.ico',
    expect: [301, 301, 301, 301, 301, 301, 301],
  },
  {
    route: 'GET /request-account',
    state: 'screening',
    url: () => '/request-account',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },

  // Logging in and out, asking for an account, accepting an invitation
  {
    route: 'POST /login',
    case: 'each with their own password (anonymous: Bogota’s)',
    state: 'screening',
    url: () => '/login',
    form: ownLogin,
    expect: [done(303), done(303), done(303), done(303), done(303), done(303), done(303)],
  },
  {
    route: 'POST /logout',
    state: 'screening',
    url: () => '/logout',
    expect: [LOGIN, done(303), done(303), done(303), done(303), done(303), done(303)],
  },
  {
    route: 'POST /request-account',
    state: 'screening',
    url: () => '/request-account',
    form: () => ({
      name: 'Gustavo Petro',
      email: 'requests@cali.example',
      cityName: 'Cali',
      country: 'CO',
      roleAtCity: 'Mayor',
    }),
    expect: [done(200), done(200), done(200), done(200), done(200), done(200), done(200)],
  },
  {
    route: 'GET /invitations/:token',
    case: 'the delivered link',
    state: 'screening',
    url: (ids) => `/invitations/${ids.invitationToken}`,
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /invitations/:token',
    case: 'a guessed link',
    state: 'screening',
    url: () => `/invitations/${'a'.repeat(32)}`,
    expect: [404, 404, 404, 404, 404, 404, 404],
  },
  {
    route: 'POST /invitations/:token',
    case: 'the delivered link',
    state: 'screening',
    url: (ids) => `/invitations/${ids.invitationToken}`,
    form: () => ({ password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    expect: [done(303), done(303), done(303), done(303), done(303), done(303), done(303)],
  },
  {
    route: 'POST /invitations/:token',
    case: 'a guessed link',
    state: 'screening',
    url: () => `/invitations/${'a'.repeat(32)}`,
    form: () => ({ password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    expect: [404, 404, 404, 404, 404, 404, 404],
  },

  // One's own account, calendar feed and alerts
  {
    route: 'GET /account',
    state: 'screening',
    url: () => '/account',
    expect: [LOGIN, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'POST /account/password',
    state: 'screening',
    url: () => '/account/password',
    form: () => ({
      currentPassword: DEMO_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    }),
    expect: [LOGIN, done(303), done(303), done(303), done(303), done(303), done(303)],
  },
  {
    route: 'POST /account/calendar',
    state: 'screening',
    url: () => '/account/calendar',
    expect: [LOGIN, done(303), done(303), done(303), done(303), done(303), done(303)],
  },
  {
    route: 'GET /calendar/:file',
    case: 'Amman’s feed address: the address is the credential (calendar apps send no cookie)',
    state: 'screening',
    url: (ids) => `/calendar/${ids.calendar.boardMember}`,
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /calendar/:file',
    case: 'Amman’s id with a forged mac',
    state: 'screening',
    url: (ids) => `/calendar/${ids.calendar.forged}`,
    expect: [404, 404, 404, 404, 404, 404, 404],
  },
  {
    route: 'GET /calendar/:file',
    case: 'Amman’s id with another user’s (Bristol’s) valid mac',
    state: 'screening',
    url: (ids) => `/calendar/${ids.calendar.otherUsersMac}`,
    expect: [404, 404, 404, 404, 404, 404, 404],
  },
  {
    route: 'GET /alerts',
    case: 'everyone their own; someone else’s (Bristol’s term ending) to the secretariat alone',
    state: 'screening',
    url: () => '/alerts',
    reveals: [
      {
        text: (ids) => ids.names.someoneElsesAlert,
        to: ['secretariat'],
        never: ['boardMember', 'formerMember', 'partner', 'nominator', 'otherNominator'],
      },
    ],
    expect: [LOGIN, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'POST /alerts/:id/ack',
    case: 'an alert Amman received (the secretariat for everyone)',
    state: 'screening',
    url: (ids) => `/alerts/${ids.alerts.boardMembers}/ack`,
    form: (_ids, role): Form => (role === 'secretariat' ? { forAll: 'on' } : {}),
    expect: [LOGIN, done(303), done(303), 404, 404, 404, 404],
  },
  {
    route: 'POST /alerts/:id/ack',
    case: 'someone else’s alert (Bristol’s, which Amman did not receive)',
    state: 'screening',
    url: (ids) => `/alerts/${ids.alerts.someoneElses}/ack`,
    expect: [LOGIN, done(303), 404, 404, 404, 404, 404],
  },
  {
    route: 'POST /alerts/:id/ack',
    case: 'for everyone (forAll), the secretariat’s alone',
    state: 'screening',
    url: (ids) => `/alerts/${ids.alerts.boardMembers}/ack`,
    form: () => ({ forAll: 'on' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },

  // The secretariat's pages
  {
    route: 'GET /accounts',
    state: 'screening',
    url: () => '/accounts',
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /accounts/invitations',
    state: 'screening',
    url: () => '/accounts/invitations',
    form: () => ({ name: 'Ana Botín', email: 'ana@lima.example', cityName: 'Lima', country: 'PE' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /accounts/:id/reinvite',
    state: 'screening',
    url: (ids) => `/accounts/${ids.users.invited}/reinvite`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /accounts/:id/disable',
    state: 'screening',
    url: (ids) => `/accounts/${ids.users.invited}/disable`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /accounts/:id/enable',
    case: 'an account that is not disabled',
    state: 'screening',
    url: (ids) => `/accounts/${ids.users.invited}/enable`,
    expect: [LOGIN, 409, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /accounts/requests/:id/accept',
    state: 'screening',
    url: (ids) => `/accounts/requests/${ids.accountRequest}/accept`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /accounts/requests/:id/decline',
    state: 'screening',
    url: (ids) => `/accounts/requests/${ids.accountRequest}/decline`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /audit',
    state: 'screening',
    url: () => '/audit',
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /audit.csv',
    state: 'screening',
    url: () => '/audit.csv',
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /audit/verify',
    state: 'screening',
    url: () => '/audit/verify',
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /outbox',
    state: 'screening',
    url: () => '/outbox',
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /outbox/:id/retry',
    case: 'a message the relay refused until it failed',
    state: 'screening',
    url: (ids) => `/outbox/${ids.failedMessage}/retry`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /settings',
    state: 'screening',
    url: () => '/settings',
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /settings/diversity',
    state: 'screening',
    url: () => '/settings/diversity',
    form: () => ({
      maxSeatsPerRegion: '4',
      minRegions: '4',
      requiredContexts: ['origin', 'transit', 'destination', 'refugee_hosting'],
      minSecondaryCities: '0',
      enforcement: 'warn',
    }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /settings/board',
    state: 'screening',
    url: () => '/settings/board',
    form: () => ({
      boardSize: '8',
      termLengthMonths: '24',
      termLimit: '3',
      alertThresholdsDays: '90, 60, 30, 7',
    }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },

  // Seats and terms
  {
    route: 'GET /terms',
    case: 'the secretariat and sitting members only',
    state: 'screening',
    url: () => '/terms',
    expect: [LOGIN, 200, 200, 403, 403, 403, 403],
  },
  {
    route: 'GET /terms/seats/:id/history',
    case: 'Bristol’s seat',
    state: 'screening',
    url: (ids) => `/terms/seats/${ids.seats.bristol}/history`,
    expect: [LOGIN, 200, 200, 403, 403, 403, 403],
  },
  {
    route: 'GET /terms/seats/:id/history',
    case: 'a seat that does not exist',
    state: 'screening',
    url: () => '/terms/seats/99/history',
    expect: [LOGIN, 404, 404, 403, 403, 403, 403],
  },
  {
    route: 'GET /terms/new',
    state: 'screening',
    url: () => '/terms/new',
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /terms',
    case: 'Bristol’s successor, from the day after Bristol’s term ends',
    state: 'screening',
    url: () => '/terms',
    form: () => ({
      seatId: '3',
      memberName: 'Marvin Rees',
      cityName: 'Bristol',
      country: 'GB',
      migrationContexts: ['destination'],
      userId: '',
      startsOn: '2026-12-24',
      mandateEndsOn: '2030-05-31',
    }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /terms/:id/end',
    state: 'screening',
    url: (ids) => `/terms/${ids.terms.milan}/end`,
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /terms/:id/end',
    state: 'screening',
    url: (ids) => `/terms/${ids.terms.milan}/end`,
    form: () => ({ endedOn: TODAY, reason: 'resigned' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },

  // Vacancies
  {
    route: 'GET /vacancies',
    state: 'screening',
    url: () => '/vacancies',
    expect: [LOGIN, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /vacancies/:id',
    case: 'the open Athens vacancy: its candidates to the secretariat alone until shortlisted',
    state: 'screening',
    url: (ids) => `/vacancies/${ids.vacancies.athens}`,
    reveals: [
      {
        text: (ids) => ids.names.montevideoNominee,
        to: ['secretariat'],
        never: ['boardMember', 'formerMember', 'partner', 'otherNominator'],
      },
    ],
    expect: [LOGIN, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /vacancies/:id',
    case: 'Bristol’s upcoming vacancy: the secretariat’s alone',
    state: 'screening',
    url: (ids) => `/vacancies/${ids.vacancies.bristol}`,
    expect: [LOGIN, 200, 404, 404, 404, 404, 404],
  },
  {
    route: 'GET /vacancies/:id',
    case: 'the Athens vacancy gone to a ballot: the secretariat and the voters, who see the shortlist',
    state: 'balloting',
    url: (ids) => `/vacancies/${ids.vacancies.athens}`,
    reveals: [
      {
        text: (ids) => ids.names.montevideoNominee,
        to: ['secretariat', 'boardMember', 'partner'],
        never: [],
      },
    ],
    expect: [LOGIN, 200, 200, 404, 200, 404, 404],
  },
  {
    route: 'POST /vacancies',
    case: 'opening nominations for Bristol’s seat',
    state: 'screening',
    url: () => '/vacancies',
    form: (ids) => ({ seatId: String(ids.seats.bristol), nominationDeadline: '2026-12-20' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /vacancies/:id/nominations.csv',
    case: 'the Athens vacancy',
    state: 'screening',
    url: (ids) => `/vacancies/${ids.vacancies.athens}/nominations.csv`,
    reveals: [{ text: (ids) => ids.names.montevideoNominee, to: ['secretariat'], never: [] }],
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /vacancies/:id/nominations.csv',
    case: 'Montreal’s vacancy, where Montevideo has a draft: never exported',
    state: 'screening',
    url: (ids) => `/vacancies/${ids.vacancies.montreal}/nominations.csv`,
    reveals: [{ text: (ids) => ids.names.draftNominee, to: [], never: ['secretariat'] }],
    expect: [LOGIN, 200, 403, 403, 403, 403, 403],
  },

  // Nominations
  {
    route: 'GET /nominations',
    case: 'under screening: one’s own, or all to the secretariat; not to a former member',
    state: 'screening',
    url: () => '/nominations',
    reveals: [
      {
        text: (ids) => ids.names.montevideoNominee,
        to: ['secretariat', 'nominator'],
        never: ['boardMember', 'partner', 'otherNominator'],
      },
      {
        text: (ids) => ids.names.draftNominee,
        to: ['nominator'],
        never: ['secretariat', 'boardMember', 'partner', 'otherNominator'],
      },
    ],
    expect: [LOGIN, 200, 200, 403, 200, 200, 200],
  },
  {
    route: 'GET /nominations',
    case: 'once shortlisted: the voters see the shortlist, another city’s nominator still not',
    state: 'balloting',
    url: () => '/nominations',
    reveals: [
      {
        text: (ids) => ids.names.montevideoNominee,
        to: ['secretariat', 'boardMember', 'partner', 'nominator'],
        never: ['otherNominator'],
      },
    ],
    expect: [LOGIN, 200, 200, 403, 200, 200, 200],
  },
  {
    route: 'GET /nominations/new',
    state: 'screening',
    url: () => '/nominations/new',
    expect: [LOGIN, 403, 403, 403, 403, 200, 200],
  },
  {
    route: 'GET /nominations/new',
    case: 'for the Athens seat, which Montevideo has nominated for already',
    state: 'screening',
    url: (ids) => `/nominations/new?vacancyId=${ids.vacancies.athens}`,
    expect: [LOGIN, 403, 403, 403, 403, 303, 200],
  },
  {
    route: 'POST /nominations',
    case: 'for the Athens seat, each nominator for their own city',
    state: 'screening',
    url: () => '/nominations',
    form: nominationFor,
    expect: [LOGIN, 403, 403, 403, 403, 409, done(303)],
  },
  {
    route: 'GET /nominations/:id',
    case: 'Montevideo’s submitted nomination: another nominator’s, not yet shortlisted',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.montevideo}`,
    expect: [LOGIN, 200, 404, 403, 404, 200, 404],
  },
  {
    route: 'GET /nominations/:id',
    case: 'Montevideo’s nomination once shortlisted: the voters see it too',
    state: 'balloting',
    url: (ids) => `/nominations/${ids.nominations.montevideo}`,
    expect: [LOGIN, 200, 200, 403, 200, 200, 404],
  },
  {
    route: 'GET /nominations/:id',
    case: 'Montevideo’s draft: its nominator’s alone',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.draft}`,
    expect: [LOGIN, 404, 404, 403, 404, 200, 404],
  },
  {
    route: 'GET /nominations/:id/edit',
    case: 'Montevideo’s draft',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.draft}/edit`,
    expect: [LOGIN, 403, 403, 403, 403, 200, 404],
  },
  {
    route: 'GET /nominations/:id/edit',
    case: 'Montevideo’s submitted nomination: no longer a draft',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.montevideo}/edit`,
    expect: [LOGIN, 403, 403, 403, 403, 409, 404],
  },
  {
    route: 'POST /nominations/:id',
    case: 'Montevideo’s draft, saved again',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.draft}`,
    form: (ids) => nominationForm(MONTEVIDEO, ids.vacancies.montreal, 'draft'),
    expect: [LOGIN, 403, 403, 403, 403, done(303), 404],
  },
  {
    route: 'POST /nominations/:id',
    case: 'Montevideo’s submitted nomination: no longer a draft',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.montevideo}`,
    form: (ids) => nominationForm(MONTEVIDEO, ids.vacancies.athens, 'submit'),
    expect: [LOGIN, 403, 403, 403, 403, 409, 404],
  },
  {
    route: 'GET /nominations/:id/withdraw',
    case: 'the confirmation step, for Montevideo’s nomination before its ballot',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.montevideo}/withdraw`,
    expect: [LOGIN, 403, 403, 403, 403, 200, 404],
  },
  {
    route: 'GET /nominations/:id/withdraw',
    case: 'the confirmation step, once the ballot is open',
    state: 'balloting',
    url: (ids) => `/nominations/${ids.nominations.montevideo}/withdraw`,
    expect: [LOGIN, 403, 403, 403, 403, 409, 404],
  },
  {
    route: 'POST /nominations/:id/withdraw',
    case: 'Montevideo’s nomination before its ballot',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.montevideo}/withdraw`,
    expect: [LOGIN, 403, 403, 403, 403, done(303), 404],
  },
  {
    route: 'POST /nominations/:id/withdraw',
    case: 'Montevideo’s nomination once its ballot is open',
    state: 'balloting',
    url: (ids) => `/nominations/${ids.nominations.montevideo}/withdraw`,
    expect: [LOGIN, 403, 403, 403, 403, 409, 404],
  },
  {
    route: 'POST /nominations/:id/review',
    case: 'Montevideo’s submitted nomination',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.montevideo}/review`,
    form: () => ({ status: 'eligible', note: '', from: 'submitted' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /nominations/:id/review',
    case: 'Montevideo’s draft, which is its nominator’s alone',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.draft}/review`,
    form: () => ({ status: 'eligible', note: '' }),
    expect: [LOGIN, 404, 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /nominations/:id/document',
    case: 'the letter attached to Montevideo’s draft',
    state: 'screening',
    url: (ids) => `/nominations/${ids.nominations.draft}/document`,
    expect: [LOGIN, 404, 404, 403, 404, 200, 404],
  },

  // Ballots
  {
    route: 'POST /ballots',
    case: 'the Athens ballot among the shortlist',
    state: 'shortlisted',
    url: () => '/ballots',
    form: (ids) => athensBallotForm(ids),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'GET /ballots/:id',
    case: 'open: the secretariat and those on its roll',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}`,
    expect: [LOGIN, 200, 200, 404, 200, 404, 404],
  },
  {
    route: 'POST /ballots/:id/confirm',
    case: 'the confirmation step: shows a voter their choices, changes nothing',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/confirm`,
    form: rankAll,
    expect: [LOGIN, 403, same(200), 404, same(200), 404, 404],
  },
  {
    route: 'POST /ballots/:id/votes',
    case: 'open: only voters on the roll; those who cannot see the ballot learn nothing of it',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/votes`,
    form: rankAll,
    expect: [LOGIN, 403, done(303), 404, done(303), 404, 404],
  },
  {
    route: 'POST /ballots/:id/votes',
    case: 'closed',
    state: 'closed',
    url: (ids) => `/ballots/${ids.ballot}/votes`,
    form: rankAll,
    expect: [LOGIN, 409, 409, 404, 409, 404, 404],
  },
  {
    route: 'POST /ballots/:id/recuse',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/recuse`,
    form: () => ({ reason: 'A candidate is a close relative.' }),
    expect: [LOGIN, 403, done(303), 404, done(303), 404, 404],
  },
  {
    route: 'GET /ballots/:id/receipt',
    case: 'for voters who have voted: Amman and C40 have not',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/receipt`,
    expect: [LOGIN, 403, 409, 404, 409, 404, 404],
  },
  {
    route: 'GET /ballots/:id/receipt',
    case: 'with Bristol’s receipt cookie: another voter’s receipt is never shown',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/receipt`,
    cookies: (ids) => [ids.bristolReceipt!.cookie],
    reveals: [{ text: (ids) => ids.bristolReceipt!.code, to: [], never: ROLES }],
    expect: [LOGIN, 403, 409, 404, 409, 404, 404],
  },
  {
    route: 'GET /ballots/:id/results',
    case: 'open: hidden from everyone',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/results`,
    expect: [LOGIN, 409, 409, 404, 409, 404, 404],
  },
  {
    route: 'GET /ballots/:id/results',
    case: 'closed: every counted receipt published, no voter named (a secret ballot)',
    state: 'closed',
    url: (ids) => `/ballots/${ids.ballot}/results`,
    reveals: [
      { text: (ids) => ids.bristolReceipt!.code, to: ['secretariat', 'boardMember', 'partner'], never: [] },
      { text: (ids) => ids.names.bristolMayor, to: [], never: ROLES },
    ],
    expect: [LOGIN, 200, 200, 404, 200, 404, 404],
  },
  {
    route: 'GET /ballots/:id/ballots.json',
    case: 'open: hidden from everyone',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/ballots.json`,
    expect: [LOGIN, 409, 409, 404, 409, 404, 404],
  },
  {
    route: 'GET /ballots/:id/ballots.json',
    case: 'closed: the counted ballots with their receipts, without voters',
    state: 'closed',
    url: (ids) => `/ballots/${ids.ballot}/ballots.json`,
    reveals: [
      { text: (ids) => ids.bristolReceipt!.code, to: ['secretariat', 'boardMember', 'partner'], never: [] },
      { text: (ids) => ids.names.bristolMayor, to: [], never: ROLES },
    ],
    expect: [LOGIN, 200, 200, 404, 200, 404, 404],
  },
  {
    route: 'GET /ballots/:id/live',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/live`,
    expect: [LOGIN, 200, 200, 404, 200, 404, 404],
  },
  {
    route: 'GET /ballots/:id/live/status',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/live/status`,
    expect: [LOGIN, 200, 200, 404, 200, 404, 404],
  },
  {
    route: 'POST /ballots/:id/close',
    state: 'balloting',
    url: (ids) => `/ballots/${ids.ballot}/close`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /ballots/:id/casting-vote',
    case: 'a tie under the chair rule',
    state: 'tieForChair',
    url: (ids) => `/ballots/${ids.ballot}/casting-vote`,
    form: () => ({ nominationId: '1' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /ballots/:id/runoff',
    case: 'a tie under the runoff rule',
    state: 'tieForRunoff',
    url: (ids) => `/ballots/${ids.ballot}/runoff`,
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /ballots/:id/certify',
    case: 'a winner, with a reason should a rule be broken',
    state: 'closed',
    url: (ids) => `/ballots/${ids.ballot}/certify`,
    form: () => ({ overrideReason: 'The board agreed to it at its meeting.' }),
    expect: [LOGIN, done(303), 403, 403, 403, 403, 403],
  },
];
