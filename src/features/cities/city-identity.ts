// City identity: when two spellings are the same city, and when two terms are the same person.
// Every feature that compares cities or members (duplicates, seats held, term limits) asks here.

// One key per city however it was typed: 'Zürich', 'zurich ' and 'ZURICH' are the same city.
export function cityKey(country: string, cityName: string): string {
  return `${country.trim().toUpperCase()}:${normalizedName(cityName)}`;
}

/** A person serving for a city: how term numbers and term limits recognise the same member. */
export function memberKey(country: string, cityName: string, memberName: string): string {
  return `${cityKey(country, cityName)}|${normalizedName(memberName)}`;
}

function normalizedName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();
}
