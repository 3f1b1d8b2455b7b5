/**
 * One hostile payload set for every user-writable text field (issue #19, "Text hygiene"): each is sent to each
 * field through its route, and what is stored and served must carry none of `FORBIDDEN`, while `ORDINARY`
 * text comes back as typed.
 */
export const HOSTILE_TEXT = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<svg onload=alert(1)>',
  '"><iframe src="javascript:alert(1)"></iframe>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<a href="JaVaScRiPt:alert(1)">y</a>',
  '<a href="java&#115;cript:alert(1)">z</a>',
  '<body onload=alert(1)>',
  '<div style="background:url(javascript:alert(1))">s</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<!--<img src=x onerror=alert(1)>-->',
];

/** One string holding every payload, with ordinary words around them (a field that keeps words shows them). */
export const HOSTILE_MIX = `Hello ${HOSTILE_TEXT.join(' and ')} bye`;

/** What no stored or served value may contain, whatever the field's profile. */
export const FORBIDDEN = [
  /<script/i,
  /<img/i,
  /<svg/i,
  /<iframe/i,
  /<body/i,
  /<math/i,
  /<style/i,
  /onerror\s*=/i,
  /onload\s*=/i,
  /javascript:/i,
  /java&#115;cript/i,
  /style\s*=/i,
];

/** Ordinary text that every profile keeps as typed. */
export const ORDINARY = ['Tom & Jerry', '2 < 3 and 5 > 4', 'Привет, мир', 'café — «quotes» "double" \'single\''];

/** The first forbidden pattern a value contains, or null: `expect(forbiddenIn(value)).toBeNull()` names it on failure. */
export function forbiddenIn(value: unknown): string | null {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  const hit = FORBIDDEN.find((pattern) => pattern.test(text));
  return hit ? `${hit} in ${text}` : null;
}
