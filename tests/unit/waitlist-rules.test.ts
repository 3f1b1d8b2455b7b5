import {
  offerExpiry,
  offerMessages,
  positionsInLine,
  waitlistTermsFrom,
  type WaitlistStatus,
} from '../../src/plugins/enrollment/server/src/rules/waitlist-rules';

describe('a course’s waitlist terms as stored', () => {
  test.each([
    [{}, { isOpen: false, mode: 'offer', offerHours: 48 }],
    [
      { waitlist: true, waitlist_mode: 'auto', waitlist_offer_hours: 6 },
      { isOpen: true, mode: 'auto', offerHours: 6 },
    ],
    // SQLite answers booleans as 0/1.
    [
      { waitlist: 1, waitlist_mode: 'offer', waitlist_offer_hours: '12' },
      { isOpen: true, mode: 'offer', offerHours: 12 },
    ],
    [
      { waitlist: 0, waitlist_mode: null, waitlist_offer_hours: null },
      { isOpen: false, mode: 'offer', offerHours: 48 },
    ],
    [
      { waitlist: false, waitlist_mode: 'other', waitlist_offer_hours: 0 },
      { isOpen: false, mode: 'offer', offerHours: 48 },
    ],
  ])('%p reads as %p', (row, terms) => {
    expect(waitlistTermsFrom(row)).toEqual(terms);
  });
});

describe('positions in line', () => {
  const line = (...statuses: WaitlistStatus[]) => statuses.map((status, index) => ({ id: index + 1, status }));

  test.each([
    [line('waiting', 'waiting', 'waiting'), [1, 2, 3]],
    // An offered entry is out of the line: the next waiting one is 1.
    [line('offered', 'waiting', 'waiting'), [1, 1, 2]],
    [line('offered', 'offered', 'waiting'), [1, 1, 1]],
    [line('waiting', 'offered', 'waiting'), [1, 2, 2]],
    [line(), []],
  ])('%p → %p', (entries, positions) => {
    expect(positionsInLine(entries).map((entry) => entry.position)).toEqual(positions);
  });
});

describe('offers', () => {
  test('an offer runs for the course’s hours', () => {
    expect(offerExpiry(new Date('2026-12-06T10:00:00Z'), 48).toISOString()).toBe('2026-12-08T10:00:00.000Z');
    expect(offerExpiry(new Date('2026-12-06T10:00:00Z'), 1).toISOString()).toBe('2026-12-06T11:00:00.000Z');
  });

  test.each([
    ['en', /A seat is free for you: Algebra/, /Accept it before 2026-12-08 10:00 \(UTC\)/],
    ['ru', /Для вас освободилось место: Algebra/, /Подтвердите его до 2026-12-08 10:00 \(UTC\)/],
    [null, /A seat is free for you/, /Accept it before/],
  ])('the mail and notice in %p', (locale, subject, text) => {
    const messages = offerMessages({
      studentName: 'Ann',
      courseTitle: 'Algebra',
      expiresAt: new Date('2026-12-08T10:00:00Z'),
      locale,
      acceptUrl: 'https://school.test/courses/algebra',
    });
    expect(messages.mail.subject).toMatch(subject);
    expect(messages.mail.text).toMatch(text);
    expect(messages.mail.text).toContain('https://school.test/courses/algebra');
    expect(messages.notice.title.length).toBeLessThanOrEqual(200);
    expect(messages.notice.body).toMatch(/2026-12-08 10:00/);
  });

  test('a very long title is clipped to what a notice holds', () => {
    const messages = offerMessages({
      studentName: 'Ann',
      courseTitle: 'x'.repeat(500),
      expiresAt: new Date(),
      locale: 'en',
      acceptUrl: null,
    });
    expect(messages.notice.title.length).toBe(200);
    expect(messages.mail.subject.length).toBe(200);
  });
});
