// A bar chart of SLA attainment per group (ECharts, loaded only with this screen). The
// table beside it carries the same numbers for keyboard and screen-reader users.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { SlaRow } from '../pages/ServiceLevelPage';

echarts.use([BarChart, GridComponent, TooltipComponent, TitleComponent, MarkLineComponent, CanvasRenderer]);

export default function AttainmentChart({ rows, title }: { rows: SlaRow[]; title: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      title: { text: title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)} %` : String(v)) },
      grid: { left: 48, right: 16, top: 40, bottom: 48 },
      xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { interval: 0, overflow: 'truncate', width: 120 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: [
        {
          type: 'bar',
          name: 'Attainment',
          data: rows.map((r) => ({
            value: r.attainment === null ? null : Number(r.attainment.toFixed(1)),
            itemStyle: { color: r.attainment !== null && r.attainment < 90 ? '#e03131' : '#2f9e44' },
          })),
          barMaxWidth: 48,
          markLine: { symbol: 'none', data: [{ yAxis: 90, name: 'Goal' }], lineStyle: { color: '#868e96', type: 'dashed' } },
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [rows, title]);
  return <div ref={el} className="chart" role="img" aria-label={`${title}: ${rows.map((r) => `${r.label} ${r.attainment === null ? 'no data' : `${r.attainment.toFixed(1)} %`}`).join(', ')}`} />;
}
