import fc from 'fast-check';

/**
 * Values a careless or hostile client sends: numbers at and past the limits of every numeric type, strings that
 * mean something to a parser, a database or a template engine, very long and non-ASCII text.
 */

export const EDGE_NUMBERS = [0, -0, -1, 1, 1.5, -2.5, 2 ** 31, 2 ** 53 + 2, 1e20, -1e20, 1e308, 5e-324];

export const EDGE_NUMBER_TEXTS = [
  '0',
  '-1',
  '1.5',
  '1e20',
  '-1e20',
  '1e400',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1_000',
  ' 1',
  '1 ',
  '+1',
  '00001',
  '9007199254740993',
  '18446744073709551616',
];

export const HOSTILE_TEXTS = [
  '',
  ' ',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1",
  "'; DROP TABLE courses; --",
  '" OR 1=1 --',
  '\\',
  '%',
  '%00',
  '\u0000',
  '\u0000x',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '${7*7}',
  '{{7*7}}',
  '$where',
  '$or',
  '.*',
  '(',
  'Курс по истории',
  '𝕳𝖊𝖑𝖑𝖔',
  '🎓📚',
  'مرحبا',
  'e\u0301',
  '\u202Eevil',
  '\uFEFF',
  '\r\n\r\n',
];

/** Text of every kind, short: for keys, ids and operands. */
export const junkText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXTS, ...EDGE_NUMBER_TEXTS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    // Long, not longer: a URL over 16 KB is refused by Node itself (431) before the app sees it.
    { weight: 1, arbitrary: fc.constantFrom(200, 1_000, 3_000).map((length) => 'x'.repeat(length)) }
  );

/** Text that may also hold lone surrogates and control characters: only for JSON bodies, never for URLs. */
export const junkBodyText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: junkText() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
    { weight: 1, arbitrary: fc.constantFrom(20_000, 60_000, 300_000).map((length) => 'é'.repeat(length)) }
  );

export const junkNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }
  );

/** Any JSON value, small, with the hostile scalars mixed in. */
export const junkJson = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 3, arbitrary: fc.oneof(junkBodyText(), junkNumber(), fc.boolean(), fc.constant(null)) },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
      {
        weight: 1,
        arbitrary: fc.dictionary(
          fc.oneof(junkText(), fc.constantFrom('id', 'documentId', 'data', 'connect', 'set', '__proto__')),
          tie('value'),
          { maxKeys: 3 }
        ),
      }
    ),
  })).value;

/** A JSON value nested far deeper than any schema expects. */
export const deeplyNested = (): fc.Arbitrary<unknown> =>
  fc.tuple(fc.integer({ min: 20, max: 400 }), fc.boolean()).map(([depth, asArray]) => {
    let value: unknown = 'x';
    for (let level = 0; level < depth; level += 1) value = asArray ? [value] : { a: value };
    return value;
  });
