import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

// Only what the two charts draw (stacked bars, one line, their axes, legend and tooltip): the bundle stays small.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || 'system-ui, sans-serif';
Chart.defaults.color = '#374151';
// Numbers that slide into place are slower to read and move for people who asked for less motion.
Chart.defaults.animation = false;

/** One accent and the status colours of the stylesheet, so a chart reads like the tables beside it. */
export const COLORS = {
  accent: '#2563eb',
  accentSoft: '#93c5fd',
  atRisk: '#d97706',
  overdue: '#b91c1c',
  polls: '#7c3aed',
  limit: '#111827',
} as const;

export { Chart };
