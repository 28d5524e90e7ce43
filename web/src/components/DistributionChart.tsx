// A bar chart of counts per bucket (tickets per number of reassignments, answers per
// rating), ECharts, loaded only with the service-desk screen. A click on a bar drills down
// (onSelect); the table beside it carries the same numbers and links for keyboard and
// screen-reader users.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, TitleComponent, CanvasRenderer]);

export default function DistributionChart({
  title,
  categories,
  values,
  color = '#1864ab',
  axisName,
  onSelect,
}: {
  title: string;
  categories: string[];
  values: number[];
  color?: string;
  axisName?: string;
  onSelect?(index: number): void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const data = JSON.stringify({ title, categories, values, color, axisName });
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      title: { text: title, left: 0, textStyle: { fontSize: 14 } },
      color: [color],
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 56, bottom: axisName ? 44 : 28 },
      xAxis: { type: 'category', data: categories, name: axisName, nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: values, barMaxWidth: 48, label: { show: true, position: 'top' }, cursor: onSelect ? 'pointer' : 'default' }],
    });
    chart.on('click', (p) => select.current?.(p.dataIndex));
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);
  const summary = categories.map((c, i) => `${c}: ${values[i]}`).join('; ');
  return <div ref={el} className="chart chart-small" role="img" aria-label={`${title}. ${summary}`} />;
}
