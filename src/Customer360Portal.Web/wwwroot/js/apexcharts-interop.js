// Keeps one ApexCharts instance per element so Blazor can update and dispose it.
const charts = new WeakMap();

export function create(element, options) {
    destroy(element);
    const chart = new ApexCharts(element, options);
    charts.set(element, chart);
    return chart.render();
}

export function update(element, options) {
    const chart = charts.get(element);
    if (chart) {
        return chart.updateOptions(options, true, true);
    }
    return create(element, options);
}

export function destroy(element) {
    const chart = charts.get(element);
    if (chart) {
        chart.destroy();
        charts.delete(element);
    }
}
