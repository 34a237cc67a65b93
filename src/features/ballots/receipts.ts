// Receipt codes: a voter's proof that their vote was counted as cast, and the key of a vote row.
import crypto from 'node:crypto';

// Letters and digits that cannot be misread for one another (no 0/O, 1/I/L, 5/S, 8/B).
const RECEIPT_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY234679';

/** 12 characters from 26 (about 56 bits), grouped for reading aloud: XXXX-XXXX-XXXX. */
export function newReceipt(): string {
  const bytes = crypto.randomBytes(12);
  const chars = [...bytes].map((byte) => RECEIPT_ALPHABET[byte % RECEIPT_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** `count` different receipts, in their sorting order. */
export function newReceipts(count: number): string[] {
  const receipts = new Set<string>();
  while (receipts.size < count) receipts.add(newReceipt());
  return [...receipts].sort();
}
