// Pure parser of the member conventions IXPs type into a port's ifAlias ("AS65001 Raajje Online").
// No I/O. The alias is untrusted switch text: the name returned is plain text, to be escaped by
// whoever displays it.

/** What an ifAlias says about the member behind a port. */
export interface AliasMember {
  asn: number;
  /** The member's name as written, or undefined when the alias only carries the ASN. */
  name?: string;
}

// Leading labels some IXPs put before the member ("Peering: AS65001 ...", "Member - ...", "CUST: ...").
const PREFIX = /^\s*(?:peering|peer|member|customer|cust|ixp?|port)\s*[:\-|>]\s*/i;
// The AS number, optionally bracketed: AS65001, ASN65001, AS 65001, [AS65001], (AS65001), {AS65001}.
const ASN = /[[({]?\s*(?<![A-Za-z0-9])ASN?\s?(\d{1,10})(?![0-9A-Za-z])\s*[\])}]?/i;
const TRIM = /^[\s\-:|_,;/>=.]+|[\s\-:|_,;/<=]+$/g;

/**
 * Parses the common IXP ifAlias conventions:
 * `AS65001 Name`, `AS65001 - Name`, `AS65001: Name`, `[AS65001] Name`, `Name (AS65001)`, `Name AS65001`,
 * `Peering: AS65001 Name`, `ASN65001 Name`. Returns undefined when the alias names no valid ASN
 * (1 .. 4294967295, not AS_TRANS 23456).
 */
export function parseIfAlias(alias: string | null | undefined): AliasMember | undefined {
  if (!alias) return undefined;
  // Drop control characters, which some switches let through.
  let text = alias.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  text = text.replace(PREFIX, '');
  const m = ASN.exec(text);
  if (!m) return undefined;
  const asn = Number(m[1]);
  if (!Number.isSafeInteger(asn) || asn < 1 || asn > 4294967295 || asn === 23456) return undefined;
  let name = (text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length))
    .replace(/\(\s*\)|\[\s*\]|\{\s*\}/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(TRIM, '')
    .trim();
  if (name.length > 120) name = name.slice(0, 120).trimEnd();
  return name ? { asn, name } : { asn };
}
