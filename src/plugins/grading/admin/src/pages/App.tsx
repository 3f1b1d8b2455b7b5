import { Page } from '@strapi/admin/strapi-admin';
import { Route, Routes } from 'react-router-dom';
import { GRADE_PERMISSIONS } from '../pluginId';
import { QueuePage } from './QueuePage';
import { SubmissionPage } from './SubmissionPage';

export const App = () => (
  <Page.Protect permissions={GRADE_PERMISSIONS}>
    <Routes>
      <Route index element={<QueuePage />} />
      <Route path=":documentId" element={<SubmissionPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);
