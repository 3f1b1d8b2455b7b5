import type { RoleType } from '../../../../../access/roles';

/**
 * Who may start writing to whom. Admins write to anyone. Otherwise two people need a course between them
 * where one teaches and the other is an enrolled student (so a student writes to the teachers of their
 * courses and a teacher to their students), or the other person wrote first (anyone may answer a message,
 * e.g. one from an admin), or another plugin joined them (contact-sources.ts: the marketplace's accepted offers).
 */
export interface MessagingFacts {
  senderRole: RoleType;
  /** Courses the sender teaches and courses the sender is enrolled in (documentIds). */
  senderTeaches: readonly string[];
  senderEnrolledIn: readonly string[];
  recipientTeaches: readonly string[];
  recipientEnrolledIn: readonly string[];
  recipientHasWrittenToSender: boolean;
  /** A contact source (the marketplace: an accepted offer between them) joins the two, either way round. */
  isJoinedElsewhere?: boolean;
}

const shares = (left: readonly string[], right: readonly string[]) => {
  const set = new Set(left);
  return right.some((value) => set.has(value));
};

export function mayMessage(facts: MessagingFacts): boolean {
  if (facts.senderRole === 'admin') return true;
  if (facts.recipientHasWrittenToSender) return true;
  if (facts.isJoinedElsewhere) return true;
  return (
    shares(facts.senderTeaches, facts.recipientEnrolledIn) || shares(facts.recipientTeaches, facts.senderEnrolledIn)
  );
}

export type Audience = { all: true } | { role: Exclude<RoleType, 'public'> } | { course: string };
