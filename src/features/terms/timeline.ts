// Geometry for the terms timeline (seats as rows, terms as bars, today marked, the next 24 months
// visible). The SVG is drawn by views/terms/_timeline.eta from these numbers.
import { addMonths, daysBetween, type IsoDate, maxIsoDate, minIsoDate } from '../../domain/dates.js';
import { TERM_END_REASON_LABELS } from '../../domain/labels.js';
import { effectiveEnd, mandateEndsFirst } from '../../domain/terms.js';
import { asTermSpan, type SeatOverview } from './queries.js';

export const TIMELINE = {
  labelWidth: 150,
  plotWidth: 760,
  rowHeight: 34,
  top: 28,
  monthsBefore: 6,
  monthsAfter: 24,
};

export interface TimelineBar {
  x: number;
  width: number;
  kind: 'term' | 'past' | 'ended-early' | 'vacancy';
  label: string;
}

export interface TimelineRow {
  y: number;
  label: string;
  bars: TimelineBar[];
  mandateX: number | null;
}

export interface Timeline {
  width: number;
  height: number;
  todayX: number;
  ticks: Array<{ x: number; label: string }>;
  rows: TimelineRow[];
  from: IsoDate;
  until: IsoDate;
}

interface VacancyMark {
  seatId: number;
  freeOn: IsoDate;
}

export function buildTimeline(overview: SeatOverview[], vacancies: VacancyMark[], today: IsoDate): Timeline {
  const from = addMonths(today, -TIMELINE.monthsBefore);
  const until = addMonths(today, TIMELINE.monthsAfter);
  const totalDays = daysBetween(from, until);
  // Bars share their dates (today, the window's ends, one term's end and the next's start), and
  // each date's position costs several date parses: work each out once per timeline.
  const positions = new Map<IsoDate, number>();
  const xOf = (date: IsoDate) => {
    let x = positions.get(date);
    if (x === undefined) {
      x =
        TIMELINE.labelWidth +
        Math.round(
          (daysBetween(from, maxIsoDate(from, minIsoDate(until, date))) / totalDays) * TIMELINE.plotWidth,
        );
      positions.set(date, x);
    }
    return x;
  };
  const bar = (
    start: IsoDate,
    end: IsoDate,
    kind: TimelineBar['kind'],
    label: string,
  ): TimelineBar | null => {
    if (end <= from || start >= until) return null;
    const x = xOf(start);
    return { x, width: Math.max(2, xOf(end) - x), kind, label };
  };

  const rows = overview.map((entry, index): TimelineRow => {
    const all = [...entry.past, ...(entry.current ? [entry.current] : []), ...entry.future];
    const bars: TimelineBar[] = [];
    for (const row of all) {
      const end = effectiveEnd(row.term);
      const kind = row.term.endedOn ? 'ended-early' : end <= today ? 'past' : 'term';
      const made = bar(
        row.term.startsOn,
        end,
        kind,
        `${row.city.name}: ${row.term.memberName}, ${row.term.startsOn} to ${end}${row.term.endedOn ? ` (ended early: ${row.term.endReason ? TERM_END_REASON_LABELS[row.term.endReason].toLowerCase() : 'reason not recorded'})` : ''}`,
      );
      if (made) bars.push(made);
    }
    const vacancy = vacancies.find((v) => v.seatId === entry.seat.id);
    if (vacancy) {
      const nextStart = entry.future[0]?.term.startsOn ?? until;
      const made = bar(vacancy.freeOn, nextStart, 'vacancy', `Vacant from ${vacancy.freeOn}`);
      if (made) bars.push(made);
    } else if (!entry.current && entry.future.length === 0) {
      const lastEnd = entry.past[0] ? effectiveEnd(entry.past[0].term) : from;
      const made = bar(lastEnd, until, 'vacancy', `Vacant since ${lastEnd}`);
      if (made) bars.push(made);
    }
    const current = entry.current ? asTermSpan(entry.current) : null;
    return {
      y: TIMELINE.top + index * TIMELINE.rowHeight,
      label: `Seat ${entry.seat.number}${entry.current ? ` · ${entry.current.city.name}` : ''}`,
      bars,
      mandateX:
        current && mandateEndsFirst(current) && current.mandateEndsOn ? xOf(current.mandateEndsOn) : null,
    };
  });

  const ticks: Timeline['ticks'] = [];
  for (let month = -TIMELINE.monthsBefore; month <= TIMELINE.monthsAfter; month += 3) {
    const date = addMonths(`${today.slice(0, 7)}-01`, month);
    if (date >= from && date <= until) ticks.push({ x: xOf(date), label: date.slice(0, 7) });
  }
  return {
    width: TIMELINE.labelWidth + TIMELINE.plotWidth + 30,
    height: TIMELINE.top + rows.length * TIMELINE.rowHeight + 10,
    todayX: xOf(today),
    ticks,
    rows,
    from,
    until,
  };
}
