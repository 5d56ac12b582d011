// One ApexCharts instance per chart component, by the component's id rather than its element: by the time Blazor
// disposes a component its element may already be gone from the page, and the chart (with its window listeners)
// must still be destroyed.
const charts = new Map();

// Options travel as JSON, which cannot carry ApexCharts' formatter functions. A chart may instead name its number
// formats (Intl.NumberFormat options, e.g. { style: "currency", currency: "GBP" }) under "c360Formats":
//   values: every value (value axis, tooltips, data labels); series: one format per series (tooltips);
//   yaxis: one format per y axis (axis labels, for charts with two axes).
function withFormats(options) {
    const formats = options.c360Formats;
    if (!formats) return options;
    delete options.c360Formats;
    const formatter = spec => {
        const number = new Intl.NumberFormat(undefined, spec);
        return value => (typeof value === "number" && isFinite(value)) ? number.format(value) : value;
    };
    const values = formats.values ? formatter(formats.values) : null;
    const perSeries = (formats.series || []).map(spec => spec ? formatter(spec) : values);
    const perAxis = (formats.yaxis || []).map(spec => spec ? formatter(spec) : values);

    if (options.plotOptions?.bar?.horizontal) {
        if (values) options.xaxis = { ...(options.xaxis || {}), labels: { ...(options.xaxis?.labels || {}), formatter: values } };
    } else {
        const axes = Array.isArray(options.yaxis) ? options.yaxis : [options.yaxis || {}];
        axes.forEach((axis, i) => {
            const f = perAxis[i] || values;
            if (f) axis.labels = { ...(axis.labels || {}), formatter: f };
        });
        options.yaxis = Array.isArray(options.yaxis) ? axes : axes[0];
    }
    if (values || perSeries.length > 0) {
        const tooltip = (value, context) => {
            const f = perSeries[context?.seriesIndex] || values;
            return f ? f(value) : value;
        };
        options.tooltip = { ...(options.tooltip || {}), y: { ...(options.tooltip?.y || {}), formatter: tooltip } };
    }
    if (values && options.dataLabels?.enabled) options.dataLabels = { ...options.dataLabels, formatter: values };
    return options;
}

// Returns false when the element is no longer on the page: Blazor replaced the chart (new figures arrived) between
// rendering it and this call, and the replacement draws itself.
export async function create(element, id, options) {
    destroy(id);
    if (!element || !element.isConnected) return false;
    const chart = new ApexCharts(element, withFormats(options));
    charts.set(id, chart);
    await chart.render();
    return true;
}

export function destroy(id) {
    const chart = charts.get(id);
    if (chart) {
        charts.delete(id);
        chart.destroy();
    }
}
