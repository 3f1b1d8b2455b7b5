import { Box, Flex, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import type * as React from 'react';

/** The frame of an LMS admin page: its title (tab, heading), a subtitle, and its sections one below the other. */
export function LmsPage({
  title,
  subtitle,
  navigationAction,
  children,
}: {
  title: string;
  subtitle: string;
  navigationAction?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Page.Main aria-label={title}>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header title={title} subtitle={subtitle} navigationAction={navigationAction} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {children}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}

/** A white card holding one part of a page (a form, a notice, an empty list). */
export function Panel({ children }: { children: React.ReactNode }) {
  return (
    <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
      {children}
    </Box>
  );
}

/** The header row of a table, one column name each. */
export function ColumnHeads({ names }: { names: string[] }) {
  return (
    <Thead>
      <Tr>
        {names.map((name) => (
          <Th key={name}>
            <Typography variant="sigma">{name}</Typography>
          </Th>
        ))}
      </Tr>
    </Thead>
  );
}
