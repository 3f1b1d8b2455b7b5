import type { AddressInfo } from 'net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free local port that keeps every message it receives, parsed. */
export interface Mailbox {
  port: number;
  messages: ParsedMail[];
  /** The first message to `address` matching `subject`, waiting for it to arrive (delivery is asynchronous). */
  waitFor(address: string, subject: RegExp, timeoutMs?: number): Promise<ParsedMail>;
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

const recipients = (mail: ParsedMail) =>
  [mail.to]
    .flat()
    .flatMap((to) => (to ? to.value.map((entry) => entry.address?.toLowerCase()) : []))
    .filter(Boolean) as string[];

/** The settings that send Lyceum's mail to `mailbox` over plain SMTP, one connection a message. */
export const smtpSettings = (mailbox: Mailbox) => ({
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(mailbox.port),
  SMTP_IGNORE_TLS: 'true',
  SMTP_POOL: 'false',
});

export async function startMailbox(): Promise<Mailbox> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  const to = (address: string) => messages.filter((mail) => recipients(mail).includes(address.toLowerCase()));
  return {
    port,
    messages,
    to,
    async waitFor(address, subject, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = to(address).find((mail) => subject.test(mail.subject ?? ''));
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `No mail to ${address} matching ${subject} (have: ${messages.map((mail) => `${recipients(mail)}: ${mail.subject}`).join('; ')})`
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
