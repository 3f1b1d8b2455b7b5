import { replyMessages } from '../../src/plugins/support/server/src/notices';
import {
  parseMessageBody,
  parseTicketInput,
  statusAfterReply,
} from '../../src/plugins/support/server/src/rules/ticket-rules';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
    return [];
  } catch (error: any) {
    return (error.details?.errors ?? []).map((problem: { path: string[] }) => problem.path.join('.'));
  }
};

describe('ticket input', () => {
  test('keeps plain text, trimmed, markup removed', () => {
    expect(parseTicketInput({ subject: '  <b>Login</b> broken ', body: 'It <script>x</script>fails' })).toEqual({
      subject: 'Login broken',
      body: 'It fails',
    });
  });
  test.each([
    [{}, ['subject', 'body']],
    [{ subject: 'x' }, ['body']],
    [{ subject: '', body: 'x' }, ['subject']],
    [{ subject: '<p></p>', body: 'x' }, ['subject']],
    [{ subject: 1, body: 'x' }, ['subject']],
    [{ subject: 'x'.repeat(201), body: 'x' }, ['subject']],
    [{ subject: 'x', body: 'x'.repeat(5001) }, ['body']],
  ])('%j is refused naming %j', (input, fields) => {
    expect(fieldsOf(() => parseTicketInput(input as Record<string, unknown>)).sort()).toEqual([...fields].sort());
  });
  test('a reply body is required plain text up to 5000 characters', () => {
    expect(parseMessageBody(' thanks ')).toBe('thanks');
    expect(parseMessageBody('y'.repeat(5000))).toHaveLength(5000);
    for (const body of [undefined, null, '', '  ', 3, 'y'.repeat(5001)])
      expect(fieldsOf(() => parseMessageBody(body))).toEqual(['body']);
  });
});

describe('statuses', () => {
  test('a staff reply waits on the user, the user reply on staff', () => {
    expect(statusAfterReply(true)).toBe('pending');
    expect(statusAfterReply(false)).toBe('open');
  });
});

describe('reply notice and mail', () => {
  const reply = {
    name: 'Ann',
    subject: 'Login',
    body: 'Try again now',
    link: 'https://lyceum.test/support/tickets/abc',
  };
  test('in English by default', () => {
    const messages = replyMessages({ ...reply, locale: null });
    expect(messages.notice).toEqual({ title: 'Support replied: Login', body: 'Try again now' });
    expect(messages.mail.subject).toBe('Support replied to your ticket: Login');
    expect(messages.mail.text).toContain('Hello Ann,');
    expect(messages.mail.text).toContain('Try again now');
    expect(messages.mail.text).toContain(reply.link);
  });
  test('in Russian for a Russian-speaking user', () => {
    const messages = replyMessages({ ...reply, locale: 'ru' });
    expect(messages.notice.title).toBe('Ответ поддержки: Login');
    expect(messages.mail.subject).toBe('Поддержка ответила на ваше обращение: Login');
    expect(messages.mail.text).toContain('Здравствуйте, Ann!');
  });
  test('long subjects and bodies are clipped to what the notice holds', () => {
    const messages = replyMessages({ ...reply, subject: 's'.repeat(300), body: 'b'.repeat(6000), locale: 'en' });
    expect(messages.notice.title.length).toBeLessThanOrEqual(200);
    expect(messages.notice.body.length).toBeLessThanOrEqual(500);
    expect(messages.mail.subject.length).toBeLessThanOrEqual(200);
  });
});
