// SLA attainment as a bar chart per group or a line over months (ECharts, loaded only with
// the service-level screen). Values are fractions 0..1 or null (nothing ended). The table
// beside it carries the same numbers for keyboard and screen-reader users.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, MarkLineComponent, CanvasRenderer]);

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

const kColors = ['#1864ab', '#2b8a3e'];

export default function AttainmentChart({
  title,
  categories,
  series,
  kind = 'bar',
}: {
  title: string;
  categories: string[];
  series: ChartSeries[];
  kind?: 'bar' | 'line';
}) {
  const el = useRef<HTMLDivElement>(null);
  // Redraw when the numbers change, not when a parent re-renders with equal arrays.
  const data = JSON.stringify({ title, categories, series, kind });
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      // No animation: the numbers are the point, and a screenshot shows them at once.
      animation: false,
      title: { text: title, left: 0, textStyle: { fontSize: 14 } },
      color: kColors,
      legend: { top: 0, right: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)} %` : 'no data') },
      grid: { left: 56, right: 16, top: 40, bottom: 48 },
      xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, overflow: 'truncate', width: 120 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: series.map((s, i) => ({
        type: kind,
        name: s.name,
        data: s.values.map((v) => (v === null ? null : Number((v * 100).toFixed(1)))),
        barMaxWidth: 40,
        connectNulls: true,
        ...(i === 0
          ? {
              markLine: {
                symbol: 'none',
                silent: true,
                data: [{ yAxis: 90, name: 'Goal' }],
                label: { position: 'insideEndTop', formatter: 'goal 90 %', color: '#495057' },
                lineStyle: { color: '#868e96', type: 'dashed' },
              },
            }
          : {}),
      })),
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
  return <div ref={el} className="chart" role="img" aria-label={`${title}. ${summary}`} />;
}
