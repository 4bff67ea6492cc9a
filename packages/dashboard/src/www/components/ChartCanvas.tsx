import type { ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { Chart } from '../lib/charts.js';

/**
 * A Chart.js chart on a canvas that screen readers read as one image with
 * its `label`; the numbers themselves are in a table beside it.
 */
export function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | undefined>(undefined);
  useEffect(() => {
    chart.current = new Chart(canvas.current!, config);
    return () => chart.current?.destroy();
    // Made once; new data goes through `update` below.
  }, []);
  useEffect(() => {
    const current = chart.current;
    if (!current || current.config.data === config.data) return;
    current.data = config.data;
    current.update();
  }, [config]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
