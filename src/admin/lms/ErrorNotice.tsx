import { Button, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Panel } from './LmsPage';

/**
 * Why something could not be loaded, in the page itself (a notification would vanish and leave the page empty
 * without a word), with a way to try again.
 */
export function ErrorNotice({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Panel>
      <Flex gap={4} alignItems="center" justifyContent="space-between">
        <Typography textColor="danger600" role="alert">
          {message}
        </Typography>
        {onRetry && (
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={onRetry}>
            Try again
          </Button>
        )}
      </Flex>
    </Panel>
  );
}
