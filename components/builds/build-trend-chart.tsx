"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TrendPoint } from "@/lib/builds/build-stats";

/** Builds per day by outcome. The figure is decorative for screen readers: the table below carries the same numbers. */
export function BuildTrendChart({ points }: { points: TrendPoint[] }) {
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption className="mb-2 text-sm font-medium text-slate-700">Builds per day (UTC)</figcaption>
      <div aria-hidden="true" className="h-56 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip trigger="hover" />
            <Legend />
            <Bar dataKey="succeeded" name="Succeeded" stackId="a" fill="#059669" isAnimationActive={false} />
            <Bar dataKey="failed" name="Failed" stackId="a" fill="#dc2626" isAnimationActive={false} />
            <Bar dataKey="other" name="Other" stackId="a" fill="#94a3b8" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
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
