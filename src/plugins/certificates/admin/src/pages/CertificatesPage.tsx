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
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { errorMessage } from '../../../../../admin/lms/errors';
import { PageControls } from '../../../../../admin/lms/PageControls';
import type { Pagination } from '../../../../../admin/lms/types';

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

const PAGE_SIZE = 20;
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
  const [page, setPage] = React.useState(1);
  const [certificates, setCertificates] = React.useState<CertificateRow[] | null>(null);
  const [pagination, setPagination] = React.useState<Pagination | null>(null);

  const load = React.useCallback(async () => {
    try {
      const { data } = await get<{ data: CertificateRow[]; meta: { pagination: Pagination } }>('/certificates/search', {
        params: { ...criteria, pagination: { page, pageSize: PAGE_SIZE } },
      });
      setCertificates(data.data);
      setPagination(data.meta.pagination);
    } catch (error) {
      setCertificates([]);
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not search the certificates') });
    }
  }, [criteria, page]);

  React.useEffect(() => {
    void load();
  }, [load]);

  const search = (event: React.FormEvent) => {
    event.preventDefault();
    setPage(1);
    setCriteria({ ...draft });
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
    <Box flex="1">
      <Field.Root name={name}>
        <Field.Label>{label}</Field.Label>
        <Field.Input
          value={draft[name]}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [name]: event.target.value })}
        />
      </Field.Root>
    </Box>
  );

  return (
    <Page.Main aria-label="Certificates">
      <Page.Title>Certificates</Page.Title>
      <Layouts.Header
        title="Certificates"
        subtitle="Find a certificate by student, course or code; open its PDF or revoke it."
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
            <form onSubmit={search} aria-label="Search certificates">
              <Flex gap={4} alignItems="flex-end">
                {field('student', 'Student (name or email)')}
                {field('course', 'Course title')}
                {field('code', 'Certificate code')}
                <Button type="submit">Search</Button>
              </Flex>
            </form>
          </Box>

          {certificates === null ? (
            <Page.Loading />
          ) : certificates.length === 0 ? (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Typography>No certificate matches.</Typography>
            </Box>
          ) : (
            <Box>
              <Table colCount={6} rowCount={certificates.length + 1} aria-label="Certificates found">
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">Code</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Student</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Course</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Issued</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Status</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Actions</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {certificates.map((certificate) => (
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
                            <RevokeButton certificate={certificate} onRevoked={() => void load()} />
                          )}
                        </Flex>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              <PageControls pagination={pagination} onPage={setPage} />
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
