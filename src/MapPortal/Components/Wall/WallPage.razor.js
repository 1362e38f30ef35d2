// ECharts for the wall display: the 30-day trend and the category shares, dark and large. The charts are made once and
// only given new options afterwards, so a wall that runs for days does not pile up chart instances.
import { loadECharts } from "/js/echarts-loader.js";

const text = { color: "#d8e4f5", fontSize: 18 };

export async function createWallCharts(trendElement, categoryElement) {
  const echarts = await loadECharts();
  const trend = echarts.init(trendElement, null, { renderer: "canvas" });
  const categories = echarts.init(categoryElement, null, { renderer: "canvas" });
  const resize = () => { trend.resize(); categories.resize(); };
  window.addEventListener("resize", resize);
  return {
    update(data) {
      trend.setOption({
        animation: false,
        textStyle: text,
        legend: { data: [data.reportedName, data.closedName], textStyle: text, top: 0 },
        grid: { left: 50, right: 16, bottom: 30, top: 36 },
        xAxis: { type: "category", data: data.days, axisLabel: { color: text.color, fontSize: 14 } },
        yAxis: { type: "value", axisLabel: { color: text.color, fontSize: 14 }, splitLine: { lineStyle: { color: "#2a3b55" } } },
        series: [
          { name: data.reportedName, type: "line", data: data.reported, smooth: false, symbol: "none", lineStyle: { width: 3 } },
          { name: data.closedName, type: "line", data: data.closed, smooth: false, symbol: "none", lineStyle: { width: 3 } },
        ],
      }, true);
      categories.setOption({
        animation: false,
        textStyle: text,
        series: [{ type: "pie", radius: ["38%", "68%"], data: data.categories, label: { color: text.color, fontSize: 15, formatter: "{b} {d}%" } }],
      }, true);
      trendElement.dataset.rendered = String(Number(trendElement.dataset.rendered || 0) + 1);
      trendElement.dataset.points = String(data.days.length);
      categoryElement.dataset.slices = String(data.categories.length);
    },
    dispose() {
      window.removeEventListener("resize", resize);
      trend.dispose();
      categories.dispose();
    },
  };
}
