import { Box, Typography } from '@strapi/design-system';

export interface Bar {
  label: string;
  value: number;
}

interface BarChartProps {
  /** Read by screen readers and used by tests to find the chart. */
  title: string;
  bars: Bar[];
  /** How a value is written above its bar (e.g. "3" or "40 %"). */
  formatValue?: (value: number) => string;
  height?: number;
}

const BAR_WIDTH = 36;
const GAP = 12;
const LABEL_SPACE = 36;
const VALUE_SPACE = 18;

/** A plain SVG bar chart: enough for counts per period or bucket, without a charting dependency. */
export function BarChart({ title, bars, formatValue = String, height = 180 }: BarChartProps) {
  if (bars.length === 0) {
    return (
      <Typography variant="omega" textColor="neutral600">
        No data yet.
      </Typography>
    );
  }
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const plot = height - LABEL_SPACE - VALUE_SPACE;
  const width = bars.length * (BAR_WIDTH + GAP) + GAP;
  return (
    <Box overflow="auto">
      <svg role="img" aria-label={title} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        <title>{title}</title>
        {bars.map((bar, index) => {
          const barHeight = Math.round((bar.value / max) * plot);
          const x = GAP + index * (BAR_WIDTH + GAP);
          const y = VALUE_SPACE + plot - barHeight;
          return (
            <g key={`${bar.label}-${index}`} aria-label={`${bar.label}: ${formatValue(bar.value)}`}>
              <rect
                x={x}
                y={y}
                width={BAR_WIDTH}
                height={Math.max(barHeight, bar.value > 0 ? 1 : 0)}
                rx={3}
                fill="#7b79ff"
              />
              <text x={x + BAR_WIDTH / 2} y={y - 4} textAnchor="middle" fontSize="11" fill="#32324d">
                {formatValue(bar.value)}
              </text>
              <text
                x={x + BAR_WIDTH / 2}
                y={height - LABEL_SPACE + 14}
                textAnchor="middle"
                fontSize="10"
                fill="#666687"
              >
                {bar.label}
              </text>
            </g>
          );
        })}
        <line x1={0} x2={width} y1={VALUE_SPACE + plot + 0.5} y2={VALUE_SPACE + plot + 0.5} stroke="#dcdce4" />
      </svg>
    </Box>
  );
}
