import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Signal } from '../api';

/** Each signal's peak observed value beside the value its detector expected (uPlot bars). */
export function SignalsChart({ signals }: { signals: Signal[] }) {
  const box = useRef<HTMLDivElement>(null);
  const rows = signals.filter((s) => s.peakObserved !== null || s.firstEvent?.expected != null);
  const key = JSON.stringify(rows.map((s) => [s.fingerprint, s.peakObserved, s.firstEvent?.expected]));
  useEffect(() => {
    const el = box.current;
    if (!el || rows.length === 0) return;
    const labels = rows.map((s) => `${s.service} ${s.signal}`);
    const data: uPlot.AlignedData = [
      rows.map((_, i) => i),
      rows.map((s) => s.peakObserved ?? null),
      rows.map((s) => s.firstEvent?.expected ?? null),
    ];
    const bars = uPlot.paths.bars!;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 220,
      scales: { x: { time: false, range: [-0.5, rows.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (labels[v]?.slice(0, 28) ?? '') : '')), incrs: [1] },
        { size: 60 },
      ],
      series: [
        { label: 'signal', value: (_u, v) => (v === null ? '' : (labels[v] ?? '')) },
        { label: 'peak observed', fill: 'rgba(200, 60, 50, 0.75)', stroke: 'rgb(200, 60, 50)', paths: bars({ size: [0.35, 60], align: -1 }), points: { show: false } },
        { label: 'expected', fill: 'rgba(70, 110, 190, 0.75)', stroke: 'rgb(70, 110, 190)', paths: bars({ size: [0.35, 60], align: 1 }), points: { show: false } },
      ],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
    };
    const plot = new uPlot(opts, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [key]);
  if (rows.length === 0) return <p>No measured values yet.</p>;
  return <div ref={box} className="chart" role="img" aria-label={`Peak observed vs expected for ${rows.length} signal(s)`} data-testid="signals-chart" />;
}
