import { describe, expect, it } from 'vitest';
import { cityKey, memberKey } from '../../../src/features/cities/city-identity.js';

describe('cityKey', () => {
  it('joins the upper-case country code and the lower-case city name', () => {
    expect(cityKey('gb', 'Bristol')).toBe('GB:bristol');
  });

  it("matches 'Zürich' and 'zurich ' as the same city", () => {
    expect(cityKey('CH', 'Zürich')).toBe(cityKey('CH', 'zurich '));
    expect(cityKey('CH', 'Zürich')).toBe('CH:zurich');
  });

  it('removes diacritics whether typed as one character or as a letter and a combining mark', () => {
    expect(cityKey('CO', 'Bogotá')).toBe('CO:bogota');
    expect(cityKey('CO', 'Bogota\u0301')).toBe('CO:bogota');
  });

  it('keeps letters that are distinct letters rather than a letter with a mark, such as the dotless ı', () => {
    expect(cityKey('TR', 'Şanlıurfa')).toBe('TR:sanlıurfa');
    expect(cityKey('TR', 'Şanlıurfa')).not.toBe(cityKey('TR', 'Sanliurfa'));
  });

  it('trims and collapses whitespace inside the name', () => {
    expect(cityKey(' US ', '  Los   \tAngeles ')).toBe('US:los angeles');
  });

  it('keeps cities of the same name in different countries apart', () => {
    expect(cityKey('GB', 'Birmingham')).not.toBe(cityKey('US', 'Birmingham'));
  });

  it('keeps hyphens and apostrophes, which distinguish real names', () => {
    expect(cityKey('FR', "Villeneuve-d'Ascq")).toBe("FR:villeneuve-d'ascq");
  });
});

describe('memberKey', () => {
  it('recognises the same member of the same city however the name is spelt', () => {
    expect(memberKey('ch', ' Zürich', 'Anna  Keller')).toBe(memberKey('CH', 'zurich', 'anna keller'));
  });

  it('keeps two people of the same city apart', () => {
    expect(memberKey('CH', 'Zurich', 'Anna Keller')).not.toBe(memberKey('CH', 'Zurich', 'Corine Mauch'));
  });

  it('keeps people of the same name in different cities apart', () => {
    expect(memberKey('CH', 'Zurich', 'Anna Keller')).not.toBe(memberKey('CH', 'Basel', 'Anna Keller'));
  });
});
