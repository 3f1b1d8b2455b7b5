import { Box, Field } from '@strapi/design-system';
import * as React from 'react';

/** One text or date box of a page's search form, sharing the form's row with the others. */
export function FilterField({
  name,
  label,
  value,
  onChange,
  type = 'text',
  hint,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'date';
  hint?: string;
}) {
  return (
    <Box flex="1">
      <Field.Root name={name} hint={hint}>
        <Field.Label>{label}</Field.Label>
        <Field.Input
          type={type}
          value={value}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
        />
        {hint && <Field.Hint />}
      </Field.Root>
    </Box>
  );
}
