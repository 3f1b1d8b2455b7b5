import {
  isWellFormedCode,
  newCertificateCode,
  verificationUrl,
} from '../../src/plugins/certificates/server/src/rules/certificate-code';

test('codes are 128 random bits, URL-safe, and do not repeat', () => {
  const codes = Array.from({ length: 2000 }, newCertificateCode);
  expect(new Set(codes).size).toBe(codes.length);
  for (const code of codes) {
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(code, 'base64url')).toHaveLength(16);
  }
});

test.each([
  ['AAAAAAAAAAAAAAAAAAAAAA', true],
  ['AAAAAAAAAAAAAAAAAAAAA', false],
  ['AAAAAAAAAAAAAAAAAAAAAA=', false],
  ['AAAAAAAAAAAAAAAAAAAA+/', false],
  [42, false],
  [undefined, false],
])('%p is well formed: %s', (code, expected) => {
  expect(isWellFormedCode(code)).toBe(expected);
});

test('the verification URL fills {code} or appends it', () => {
  expect(verificationUrl('abc', 'https://school.example/verify?code={code}')).toBe(
    'https://school.example/verify?code=abc'
  );
  expect(verificationUrl('abc', 'https://school.example/verify/')).toBe('https://school.example/verify/abc');
});
