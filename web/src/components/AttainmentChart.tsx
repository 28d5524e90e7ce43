// SLA attainment as a bar chart per group or a line over months (ECharts, loaded only with
// the service-level screen). Values are fractions 0..1 or null (nothing ended). Many groups
// (50 customers) turn the bars sideways, one row per group, so every name stays readable.
// A bar or a point opens the incidents behind it (onSelect); the table beside the chart
// carries the same numbers and links for keyboard and screen-reader users.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface ChartSeries {
  name: string;
  values: (number | null)[];
  // The counts behind each value, for the tooltip (what a click opens).
  counts?: ({ met: number; breached: number } | undefined)[];
}

const kColors = ['#1864ab', '#2b8a3e'];
// Up to this many groups the bars stand upright with their names below.
const kUprightMax = 8;

export default function AttainmentChart({
  title,
  categories,
  series,
  kind = 'bar',
  onSelect,
}: {
  title: string;
  categories: string[];
  series: ChartSeries[];
  kind?: 'bar' | 'line';
  onSelect?(index: number, series: number): void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const sideways = kind === 'bar' && categories.length > kUprightMax;
  // Sideways: a row of two bars per group.
  const height = sideways ? Math.max(300, 64 + categories.length * 34) : undefined;
  // Redraw when the numbers change, not when a parent re-renders with equal arrays.
  const data = JSON.stringify({ title, categories, series, kind });
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const percent = { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } };
    const names = {
      type: 'category',
      data: categories,
      inverse: sideways, // the first group on top, as in the table
      axisLabel: sideways ? { width: 170, overflow: 'truncate' } : { interval: 0, overflow: 'truncate', width: 120 },
    };
    chart.setOption({
      // No animation: the numbers are the point, and a screenshot shows them at once.
      animation: false,
      // The title is the heading above the chart (and the canvas's accessible name).
      color: kColors,
      legend: { top: 0, right: 0 },
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesIndex: number; dataIndex: number; seriesName: string; name: string; value: unknown }) => {
          const v = typeof p.value === 'number' ? `${p.value.toFixed(1)} %` : 'no target ended';
          const c = series[p.seriesIndex]?.counts?.[p.dataIndex];
          // The tooltip is HTML: the group's name (a customer's, from the server) is encoded.
          const name = echarts.format.encodeHTML(p.name);
          if (!c) return `${name}<br/>${p.seriesName}: ${v}`;
          const opens = c.breached > 0 ? 'the breached incidents' : c.met > 0 ? 'the incidents that met it' : '';
          return `${name}<br/>${p.seriesName}: ${v} (${c.met} met, ${c.breached} breached)${opens && onSelect ? `<br/>Click: ${opens}` : ''}`;
        },
      },
      grid: sideways ? { left: 180, right: 24, top: 36, bottom: 24 } : { left: 56, right: 16, top: 36, bottom: 48 },
      xAxis: sideways ? percent : names,
      yAxis: sideways ? names : percent,
      series: series.map((s, i) => ({
        type: kind,
        name: s.name,
        data: s.values.map((v) => (v === null ? null : Number((v * 100).toFixed(1)))),
        barMaxWidth: sideways ? 14 : 40,
        connectNulls: true,
        symbolSize: 8,
        cursor: onSelect ? 'pointer' : 'default',
        ...(i === 0
          ? {
              markLine: {
                symbol: 'none',
                silent: true,
                data: [sideways ? { xAxis: 90, name: 'Goal' } : { yAxis: 90, name: 'Goal' }],
                label: { position: sideways ? 'start' : 'insideEndTop', formatter: 'goal 90 %', color: '#495057' },
                lineStyle: { color: '#868e96', type: 'dashed' },
              },
            }
          : {}),
      })),
    });
    chart.on('click', (p) => {
      if (p.componentType === 'series' && typeof p.dataIndex === 'number') select.current?.(p.dataIndex, p.seriesIndex ?? 0);
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);
  const summary = categories
    .map((c, i) => `${c}: ${series.map((s) => `${s.name} ${s.values[i] === null ? 'no data' : `${((s.values[i] ?? 0) * 100).toFixed(1)} %`}`).join(', ')}`)
    .join('; ');
  return <div ref={el} className="chart" style={height ? { height } : undefined} role="img" aria-label={`${title}. ${summary}`} />;
}
