/**
 * A bar chart drawn as SVG on the server: no chart library, no script, readable without CSS.
 * @module
 */

/** One bar: its label under the axis (shown when `label` is set), value, and hover text. */
export interface Bar {
  label?: string;
  value: number;
  /** Drawn in the "bad" colour (failures). */
  bad?: boolean;
  title: string;
}

/**
 * A bar chart of `bars`, scaled to the largest value; each bar's `title` is its tooltip and
 * accessible name.
 *
 * @example
 * ```tsx
 * import assert from "node:assert/strict";
 * import { BarChart } from "./bar_chart.tsx";
 *
 * const svg = String(
 *   <BarChart label="Reviews per hour" bars={[{ value: 1, title: "1 review" }, { value: 3, title: "3 reviews" }]} />,
 * );
 * assert.match(svg, /<title>3 reviews<\/title>/);
 * assert.match(svg, /aria-label="Reviews per hour"/);
 * ```
 */
export function BarChart(props: { label: string; bars: readonly Bar[]; height?: number }) {
  const width = 600;
  const height = props.height ?? 120;
  const plot = height - 18; // room for the labels under the axis
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const slot = width / Math.max(1, props.bars.length);
  const barWidth = Math.max(1, slot * 0.7);
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={props.label}
    >
      <line x1="0" y1={plot} x2={width} y2={plot} />
      {props.bars.map((bar, i) => {
        const h = bar.value === 0 ? 0 : Math.max(1, (bar.value / max) * (plot - 12));
        const x = i * slot + (slot - barWidth) / 2;
        return (
          <g>
            <rect
              class={bar.bad ? "bar bad" : "bar"}
              x={x.toFixed(1)}
              y={(plot - h).toFixed(1)}
              width={barWidth.toFixed(1)}
              height={h.toFixed(1)}
            >
              <title>{bar.title}</title>
            </rect>
            {bar.label !== undefined && (
              <text x={(x + barWidth / 2).toFixed(1)} y={height - 4} text-anchor="middle">
                {bar.label}
              </text>
            )}
          </g>
        );
      })}
      <text x="2" y="10">{String(max)}</text>
    </svg>
  );
}
