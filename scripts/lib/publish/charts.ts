/**
 * Static SVG charts for the summary pages, drawn at build time with Observable Plot (a maintained
 * charting library) on linkedom's server-side DOM: no JavaScript reaches the browser (issue 5: "static
 * SVG made at build time ... readable without JS"). Each SVG is `role="img"` with a title naming what it
 * shows; the page puts a data table with the same numbers beside it for screen readers. Colours keep
 * 3:1 contrast against white (WCAG 2.1 1.4.11) and text uses the page's colour.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export interface BarRow {
  label: string;
  value: number;
}

export interface ComparisonRow {
  label: string;
  current: number;
  previous: number;
}

/** Colours: this quarter, previous quarter. */
export const chartColours = { current: '#1d4f91', previous: '#6b7689' } as const;

const { document } = parseHTML('<!doctype html><html><body></body></html>');

/** Rough width of a label at 13 px: CJK characters are square, Latin ones about half. */
function labelWidth(labels: string[]): number {
  const widest = Math.max(0, ...labels.map((l) => [...l].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 13 : 7.5), 0)));
  return Math.ceil(widest) + 16;
}

function accessible(svg: string, title: string): string {
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return svg
    .replace(/ aria-label="[^"]*"/g, '')
    .replace(/ aria-description="[^"]*"/g, '')
    .replace(/^<svg /, `<svg role="img" aria-label="${escaped}" focusable="false" `)
    .replace(/^(<svg[^>]*>)/, `$1<title>${escaped}</title>`);
}

const integerTicks = (max: number) => ({ ticks: Math.max(1, Math.min(max, 5)), tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : '') });

/** Horizontal bars, one per row, with the value written at the end of each bar. */
/** Values are counts of opinions (条); the page's table and caption say so. */
export function barChartSvg(title: string, rows: BarRow[]): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = Plot.plot({
    document,
    width: 640,
    height: 30 + rows.length * 30,
    marginLeft: labelWidth(rows.map((r) => r.label)),
    marginRight: 40,
    style: { fontSize: '13px', background: 'transparent' },
    x: { label: null, domain: [0, max], grid: true, ...integerTicks(max) },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.barX(rows, { x: 'value', y: 'label', fill: chartColours.current }),
      Plot.text(rows, { x: 'value', y: 'label', text: (d: BarRow) => String(d.value), dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessible(svg.outerHTML, title);
}

export interface RateRow {
  label: string;
  /** 0..1. */
  rate: number;
  /** How many the rate is of (written beside it: a rate of two verdicts is not a rate of two hundred). */
  of: number;
}

/** Horizontal bars of a rate on a fixed 0–100% axis, each written as `85.7%（7条）` (满意率 by office, category). */
export function rateChartSvg(title: string, rows: RateRow[]): string {
  const data = rows.map((r) => ({ label: r.label, percent: Math.round(r.rate * 1000) / 10, of: r.of }));
  const svg = Plot.plot({
    document,
    width: 640,
    height: 30 + rows.length * 30,
    marginLeft: labelWidth(rows.map((r) => r.label)),
    marginRight: 100,
    style: { fontSize: '13px', background: 'transparent' },
    x: { label: null, domain: [0, 100], grid: true, ticks: 5, tickFormat: (d: number) => `${d}%` },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.barX(data, { x: 'percent', y: 'label', fill: chartColours.current }),
      Plot.text(data, { x: 'percent', y: 'label', text: (d: { percent: number; of: number }) => `${d.percent.toFixed(1)}%（${d.of}条）`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessible(svg.outerHTML, title);
}

/** Paired bars per row: this quarter (dark) and the previous quarter (grey), values written beside. */
export function comparisonChartSvg(title: string, rows: ComparisonRow[], labels = { current: '本季度', previous: '上季度' }): string {
  const data = rows.flatMap((r) => [
    { label: r.label, series: labels.current, value: r.current },
    { label: r.label, series: labels.previous, value: r.previous },
  ]);
  const max = Math.max(1, ...data.map((d) => d.value));
  const svg = Plot.plot({
    document,
    width: 640,
    height: 40 + rows.length * 44,
    marginLeft: labelWidth(rows.map((r) => r.label)),
    marginRight: 90,
    style: { fontSize: '13px', background: 'transparent' },
    x: { label: null, domain: [0, max], grid: true, ...integerTicks(max) },
    fy: { label: null, domain: rows.map((r) => r.label) },
    y: { axis: null, domain: [labels.current, labels.previous] },
    color: { domain: [labels.current, labels.previous], range: [chartColours.current, chartColours.previous] },
    marks: [
      Plot.barX(data, { x: 'value', y: 'series', fy: 'label', fill: 'series' }),
      Plot.text(data, { x: 'value', y: 'series', fy: 'label', text: (d: { value: number; series: string }) => `${d.series} ${d.value}`, dx: 6, textAnchor: 'start', fontSize: 11 }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessible(svg.outerHTML, title);
}
