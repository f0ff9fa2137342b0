import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSeries } from '../api';

const COLORS = ['rgb(31, 95, 191)', 'rgb(200, 60, 50)', 'rgb(30, 122, 52)', 'rgb(232, 113, 10)', 'rgb(120, 70, 170)', 'rgb(0, 130, 140)'];

/**
 * One per-minute field (e.g. `requests`) of several series on a shared time axis (uPlot lines).
 * Minutes a series has no point for are gaps, not zeros.
 */
export function LineChart({ title, series, field, format, testId }: { title: string; series: ChartSeries[]; field: string; format?: (v: number) => string; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const key = JSON.stringify([field, series.map((s) => [s.key, s.points.map((p) => [p['t'], p[field]])])]);
  useEffect(() => {
    const el = box.current;
    if (!el || series.length === 0) return;
    const times = [...new Set(series.flatMap((s) => s.points.map((p) => p['t'] as number)))].sort((a, b) => a - b);
    const data: uPlot.AlignedData = [
      times.map((t) => t / 1000),
      ...series.map((s) => {
        const byT = new Map(s.points.map((p) => [p['t'] as number, p[field] ?? null]));
        return times.map((t) => byT.get(t) ?? null);
      }),
    ];
    const show = format ?? ((v: number) => String(Math.round(v * 100) / 100));
    const opts: uPlot.Options = {
      width: Math.max(260, el.clientWidth),
      height: 180,
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{}, { size: 56, values: (_u, splits) => splits.map((v) => show(v)) }],
      series: [
        {},
        ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, value: (_u: uPlot, v: number | null) => (v === null ? '—' : show(v)) })),
      ],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
    };
    const plot = new uPlot(opts, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(260, el.clientWidth), height: 180 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [key]);
  return (
    <figure className="line-chart">
      <figcaption>{title}</figcaption>
      {series.length === 0 ? <p className="meta">No data in the last hour.</p> : <div ref={box} className="chart" role="img" aria-label={`${title} per minute for ${series.map((s) => s.label).join(', ')}`} data-testid={testId} />}
    </figure>
  );
}
