// ECharts for the KPI page: a bar chart of the children's rates and a pie of resolution levels. The figures and labels
// come from .NET; nothing is computed here.
import { loadECharts } from "/js/echarts-loader.js";

export async function createCharts(barElement, pieElement) {
  const echarts = await loadECharts();
  const bar = echarts.init(barElement);
  const pie = echarts.init(pieElement);
  const resize = () => { bar.resize(); pie.resize(); };
  window.addEventListener("resize", resize);
  return {
    update(data) {
      bar.setOption({
        tooltip: { trigger: "axis", valueFormatter: v => (v == null ? "—" : v.toFixed(1) + "%") },
        legend: { data: data.series.map(s => s.name) },
        grid: { left: 40, right: 10, bottom: 60, top: 30 },
        xAxis: { type: "category", data: data.names, axisLabel: { rotate: data.names.length > 8 ? 40 : 0, interval: 0 } },
        yAxis: { type: "value", min: v => Math.max(0, Math.floor(v.min - 2)), max: 100 },
        series: data.series.map(s => ({ name: s.name, type: "bar", data: s.values })),
      }, true);
      pie.setOption({
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.levels, label: { formatter: "{b}\n{d}%" } }],
      }, true);
      barElement.dataset.rendered = String(Number(barElement.dataset.rendered || 0) + 1);
    },
    dispose() {
      window.removeEventListener("resize", resize);
      bar.dispose();
      pie.dispose();
    },
  };
}
