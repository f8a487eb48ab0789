/**
 * The stock of a product over time from the ledger, as a step line (stock holds its level until the
 * next change). Plain SVG: a handful of points needs no chart library. The label sums it up for
 * screen readers; the table beside it has every number.
 */
export function StockChart({
  points,
  label,
}: {
  points: { at: string; value: number; before: number }[];
  label: string;
}) {
  const width = 640;
  const height = 200;
  const pad = { left: 44, right: 12, top: 12, bottom: 28 };
  const time = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z');
  const first = points[0]!;
  const t0 = time(first.at);
  const t1 = Math.max(time(points[points.length - 1]!.at), t0 + 1000);
  const max = Math.max(1, first.before, ...points.map((p) => p.value));
  const x = (s: string) => pad.left + ((time(s) - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);

  // Changes within the same second share an x; the step path still shows each level in order.
  let d = `M ${pad.left} ${y(first.before)}`;
  for (const p of points) d += ` H ${x(p.at)} V ${y(p.value)}`;
  d += ` H ${width - pad.right}`;

  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid="stock-chart">
        <title>{label}</title>
        <line x1={pad.left} y1={y(0)} x2={width - pad.right} y2={y(0)} class="axis" />
        <line x1={pad.left} y1={pad.top} x2={pad.left} y2={y(0)} class="axis" />
        <text x={pad.left - 6} y={y(max) + 4} text-anchor="end" class="tick">
          {max}
        </text>
        <text x={pad.left - 6} y={y(0) + 4} text-anchor="end" class="tick">
          0
        </text>
        <text x={pad.left} y={height - 8} class="tick">
          {first.at.slice(0, 16)}
        </text>
        <text x={width - pad.right} y={height - 8} text-anchor="end" class="tick">
          {points[points.length - 1]!.at.slice(0, 16)}
        </text>
        <path d={d} class="line" />
        {points.map((p, i) => (
          <circle key={i} cx={x(p.at)} cy={y(p.value)} r="3" class="dot" data-value={p.value} />
        ))}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
