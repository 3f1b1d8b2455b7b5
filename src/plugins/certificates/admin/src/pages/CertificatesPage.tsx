import {
  Badge,
  Box,
  Button,
  Field,
  Flex,
  Modal,
  Table,
  Tbody,
  Td,
  Textarea,
  Tr,
  Typography,
} from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { FilterField } from '../../../../../admin/lms/FilterField';
import { ListStates } from '../../../../../admin/lms/ListStates';
import { errorMessage } from '../../../../../admin/lms/errors';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { usePagedList } from '../../../../../admin/lms/usePagedList';

interface CertificateRow {
  documentId: string;
  code: string;
  status: 'issued' | 'revoked';
  issuedAt: string;
  studentName: string;
  courseTitle: string;
  revokedAt: string | null;
  revokeReason: string | null;
  student: { id: number; username: string; email: string } | null;
}

interface Criteria {
  student: string;
  course: string;
  code: string;
}

const EMPTY: Criteria = { student: '', course: '', code: '' };

function RevokeButton({ certificate, onRevoked }: { certificate: CertificateRow; onRevoked: () => void }) {
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [isOpen, setIsOpen] = React.useState(false);
  const [reason, setReason] = React.useState('');
  const [isSaving, setIsSaving] = React.useState(false);

  const revoke = async () => {
    setIsSaving(true);
    try {
      await post(`/certificates/${certificate.documentId}/revoke`, { reason });
      toggleNotification({ type: 'success', message: `Certificate ${certificate.code} is revoked` });
      setIsOpen(false);
      setReason('');
      onRevoked();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not revoke this certificate') });
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Modal.Root open={isOpen} onOpenChange={setIsOpen}>
      <Modal.Trigger>
        <Button variant="danger-light" size="S" aria-label={`Revoke certificate ${certificate.code}`}>
          Revoke
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>Revoke certificate {certificate.code}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Typography tag="p">
            {certificate.studentName}, {certificate.courseTitle}. Anyone who checks this code will see it revoked, with
            your reason.
          </Typography>
          <Box paddingTop={4}>
            <Field.Root name="reason" required hint="1 to 2000 characters.">
              <Field.Label>Reason for revoking</Field.Label>
              <Textarea
                value={reason}
                onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setReason(event.target.value)}
              />
              <Field.Hint />
            </Field.Root>
          </Box>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">Keep certificate</Button>
          </Modal.Close>
          <Button variant="danger" onClick={() => void revoke()} loading={isSaving} disabled={!reason.trim()}>
            Revoke certificate
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

export default function CertificatesPage() {
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [draft, setDraft] = React.useState<Criteria>(EMPTY);
  const [criteria, setCriteria] = React.useState<Criteria>(EMPTY);
  const certificates = usePagedList<CertificateRow>('/certificates/search', {
    filters: { ...criteria },
    failure: 'Could not search the certificates',
  });

  const search = (event: React.FormEvent) => {
    event.preventDefault();
    // The same search again asks the server again: a certificate may have been issued or revoked since.
    if (JSON.stringify(draft) === JSON.stringify(criteria)) certificates.reload();
    else setCriteria({ ...draft });
  };

  const openPdf = async (certificate: CertificateRow) => {
    // A new tab cannot send the admin token itself: the PDF is fetched here and shown from memory.
    const tab = window.open('', '_blank');
    try {
      const { data } = await get(`/certificates/${certificate.documentId}/pdf`, { responseType: 'blob' });
      const url = URL.createObjectURL(data);
      if (tab) tab.location.href = url;
      else window.location.assign(url);
    } catch (error) {
      tab?.close();
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not open the PDF') });
    }
  };

  const field = (name: keyof Criteria, label: string) => (
    <FilterField
      name={name}
      label={label}
      value={draft[name]}
      onChange={(value) => setDraft({ ...draft, [name]: value })}
    />
  );

  return (
    <LmsPage title="Certificates" subtitle="Find a certificate by student, course or code; open its PDF or revoke it.">
      <Panel>
        <form onSubmit={search} aria-label="Search certificates">
          <Flex gap={4} alignItems="flex-end">
            {field('student', 'Student (name or email)')}
            {field('course', 'Course title')}
            {field('code', 'Certificate code')}
            <Button type="submit">Search</Button>
          </Flex>
        </form>
      </Panel>

      <ListStates
        rows={certificates.rows}
        error={certificates.error}
        reload={certificates.reload}
        empty="No certificate matches."
      >
        {(rows) => (
          <Box>
            <Table colCount={6} rowCount={rows.length + 1} aria-label="Certificates found">
              <ColumnHeads names={['Code', 'Student', 'Course', 'Issued', 'Status', 'Actions']} />
              <Tbody>
                {rows.map((certificate) => (
                  <Tr key={certificate.documentId}>
                    <Td>
                      <Typography fontWeight="bold">{certificate.code}</Typography>
                    </Td>
                    <Td>
                      <Typography tag="p">{certificate.studentName}</Typography>
                      <Typography variant="pi" textColor="neutral600" tag="p">
                        {certificate.student?.email ?? ''}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography>{certificate.courseTitle}</Typography>
                    </Td>
                    <Td>
                      <Typography>{new Date(certificate.issuedAt).toLocaleDateString()}</Typography>
                    </Td>
                    <Td>
                      {certificate.status === 'revoked' ? (
                        <Box>
                          <Badge backgroundColor="danger100" textColor="danger700">
                            revoked
                          </Badge>
                          <Typography variant="pi" textColor="neutral600" tag="p">
                            {certificate.revokeReason ?? ''}
                          </Typography>
                        </Box>
                      ) : (
                        <Badge backgroundColor="success100" textColor="success700">
                          issued
                        </Badge>
                      )}
                    </Td>
                    <Td>
                      <Flex gap={2}>
                        <Button
                          variant="secondary"
                          size="S"
                          onClick={() => void openPdf(certificate)}
                          aria-label={`Open PDF of certificate ${certificate.code}`}
                        >
                          Open PDF
                        </Button>
                        {certificate.status === 'issued' && (
                          <RevokeButton certificate={certificate} onRevoked={certificates.reload} />
                        )}
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            <PageControls pagination={certificates.pagination} onPage={certificates.setPage} />
          </Box>
        )}
      </ListStates>
    </LmsPage>
  );
}
