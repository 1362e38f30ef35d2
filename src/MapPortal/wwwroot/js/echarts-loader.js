// ECharts is loaded once per page, on the first chart that needs it (the KPI page, the wall display).
let loading;

export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/lib/echarts/echarts.min.js";
    script.onload = () => resolve(window.echarts);
    script.onerror = () => { loading = undefined; reject(new Error("echarts.min.js did not load")); };
    document.head.appendChild(script);
  });
  return loading;
}
