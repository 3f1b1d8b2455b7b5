import { OPEN_BADGES_V3_CONTEXT, VC_V2_CONTEXT } from '../credentials/contexts';

/** What a certificate says, as its credential states it. */
export interface CertifiedCompletion {
  code: string;
  studentName: string;
  courseTitle: string;
  courseDocumentId: string;
  teacherNames: string | null;
  finalPercent: number | null;
  issuedAt: string;
}

export interface CredentialAddresses {
  /** The server's public URL, without a trailing slash. */
  publicUrl: string;
  /** The issuer's did:web. */
  issuer: string;
  /** Where the credential itself is served (its `id`). */
  credentialUrl: string;
  /** The Bitstring Status List credential holding its revocation bit, and the bit's index. */
  statusListUrl: string;
  statusListIndex: number;
}

/**
 * The unsigned Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable Credential 2.0) of a certificate. Every value
 * comes from the certificate's snapshot, so the credential says what the PDF and the verification page say. The
 * holder is named by an `IdentityObject` in plain text (`hashed: false`): an employer reads the name as on the PDF.
 * Pure.
 */
export function openBadgeCredential(completion: CertifiedCompletion, addresses: CredentialAddresses) {
  const teachers = completion.teacherNames ? ` Taught by ${completion.teacherNames}.` : '';
  const result = completion.finalPercent === null ? '' : ` Final result: ${completion.finalPercent}%.`;
  return {
    '@context': [VC_V2_CONTEXT, OPEN_BADGES_V3_CONTEXT],
    id: addresses.credentialUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `Certificate of completion: ${completion.courseTitle}`,
    issuer: {
      id: addresses.issuer,
      type: ['Profile'],
      name: 'Lyceum',
      url: addresses.publicUrl,
    },
    validFrom: new Date(completion.issuedAt).toISOString(),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: completion.studentName,
          identityType: 'name',
          hashed: false,
        },
      ],
      achievement: {
        id: `${addresses.publicUrl}/api/courses/${encodeURIComponent(completion.courseDocumentId)}`,
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: completion.courseTitle,
        description: `Completion of the course "${completion.courseTitle}".${teachers}${result}`,
        criteria: { narrative: 'Completed every lesson of the course, with every required quiz passed.' },
      },
    },
    credentialStatus: {
      id: `${addresses.statusListUrl}#${addresses.statusListIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(addresses.statusListIndex),
      statusListCredential: addresses.statusListUrl,
    },
  };
}
