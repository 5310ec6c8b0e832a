import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface Marker {
  /** Unix seconds. */
  readonly at: number;
  readonly color: string;
  readonly label: string;
}

interface Props {
  readonly title: string;
  readonly labels: readonly string[];
  readonly colors: readonly string[];
  /** [x (Unix seconds), ...one array per series]. */
  readonly data: readonly (readonly number[])[];
  readonly markers?: readonly Marker[];
  readonly yRange?: readonly [number, number];
  /** The time span shown (Unix seconds), whatever the data covers. */
  readonly xRange?: readonly [number, number];
}

/** A time chart drawn by uPlot, sized to its box, with vertical markers (lockdowns, gates). */
export function TimeChart(props: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markers = useRef(props.markers ?? []);
  markers.current = props.markers ?? [];
  const xRange = useRef(props.xRange);
  xRange.current = props.xRange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is built once per shape; data flows through setData.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height: 220,
      series: [
        {},
        ...props.labels.map((label, i) => ({ label, stroke: props.colors[i] ?? '#333', width: 2 })),
      ],
      axes: [{}, {}],
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => (xRange.current ? [xRange.current[0], xRange.current[1]] : [min, max]),
        },
        ...(props.yRange ? { y: { range: [props.yRange[0], props.yRange[1]] } } : {}),
      },
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            for (const m of markers.current) {
              const x = u.valToPos(m.at, 'x', true);
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.save();
              ctx.strokeStyle = m.color;
              ctx.lineWidth = 2 * devicePixelRatio;
              ctx.setLineDash([6, 4]);
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            }
          },
        ],
      },
    };
    plot.current = new uPlot(opts, props.data as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [props.labels.join()]);

  useEffect(() => {
    plot.current?.setData(props.data as uPlot.AlignedData);
  }, [props.data]);

  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
