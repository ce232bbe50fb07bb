import type { TrendPoint } from "@/lib/builds/build-stats";

const SERIES = [
  { key: "succeeded", name: "Succeeded", color: "#059669" },
  { key: "failed", name: "Failed", color: "#dc2626" },
  { key: "other", name: "Other", color: "#94a3b8" },
] as const;

/** Plot area in px: the SVG is as wide as its box, so x is in percent and text never scales. */
const HEIGHT = 200;
const TOP = 8;
const BOTTOM = 22;
const LEFT_PCT = 5;

/**
 * Builds per day by outcome, as a stacked bar chart rendered on the server: plain SVG, no client
 * JavaScript. Each bar's <title> is its tooltip. The figure is decorative for screen readers:
 * the table below carries the same numbers.
 */
export function BuildTrendChart({ points }: { points: TrendPoint[] }) {
  const totals = points.map((p) => p.succeeded + p.failed + p.other);
  const ticks = yTicks(Math.max(0, ...totals));
  const top = ticks[ticks.length - 1] ?? 1;
  const plot = HEIGHT - TOP - BOTTOM;
  const y = (value: number) => TOP + plot - (value / top) * plot;
  const slot = (100 - LEFT_PCT) / Math.max(1, points.length);
  const labelEvery = Math.ceil(points.length / 14);
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption className="mb-2 text-sm font-medium text-slate-700">Builds per day (UTC)</figcaption>
      <svg aria-hidden="true" width="100%" height={HEIGHT} className="block overflow-visible text-[11px]" data-testid="build-trend-chart">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={`${LEFT_PCT}%`} x2="100%" y1={y(t)} y2={y(t)} stroke="#e2e8f0" strokeDasharray={t === 0 ? undefined : "3 3"} />
            <text x={`${LEFT_PCT - 1}%`} y={y(t)} dy="0.32em" textAnchor="end" fill="#475569">{t}</text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = LEFT_PCT + i * slot;
          let stacked = 0;
          return (
            <g key={p.day}>
              <title>{`${p.day}: ${p.succeeded} succeeded, ${p.failed} failed, ${p.other} other`}</title>
              {SERIES.map((s) => {
                const value = p[s.key];
                if (!value) return null;
                const bar = <rect key={s.key} x={`${x + slot * 0.15}%`} width={`${slot * 0.7}%`} y={y(stacked + value)} height={y(stacked) - y(stacked + value)} fill={s.color} />;
                stacked += value;
                return bar;
              })}
              {/* A transparent full-height target, so the tooltip also shows on empty days. */}
              <rect x={`${x}%`} width={`${slot}%`} y={TOP} height={plot} fill="transparent" />
              {i % labelEvery === 0 ? (
                <text x={`${x + slot / 2}%`} y={HEIGHT - 6} textAnchor="middle" fill="#475569">{p.day.slice(5)}</text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <ul aria-hidden="true" className="mt-2 flex justify-center gap-4 text-xs text-slate-700">
        {SERIES.map((s) => (
          <li key={s.key} className="flex items-center gap-1.5">
            <svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill={s.color} /></svg>
            {s.name}
          </li>
        ))}
      </ul>
      <details className="mt-2 text-xs text-slate-600">
        <summary className="cursor-pointer">Show the numbers</summary>
        <table className="mt-2 w-full text-left">
          <caption className="sr-only">Builds per day by outcome</caption>
          <thead>
            <tr><th scope="col">Day</th><th scope="col">Succeeded</th><th scope="col">Failed</th><th scope="col">Other</th></tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.day}><td>{p.day}</td><td>{p.succeeded}</td><td>{p.failed}</td><td>{p.other}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** 0 and up to five round whole steps (1, 2 or 5 × 10ⁿ) that cover the highest day. */
function yTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(t);
  return ticks;
}
