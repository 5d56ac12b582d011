// Keeps one ApexCharts instance per element so Blazor can update and dispose it.
const charts = new WeakMap();

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

export function create(element, options) {
    destroy(element);
    const chart = new ApexCharts(element, withFormats(options));
    charts.set(element, chart);
    return chart.render();
}

export function update(element, options) {
    const chart = charts.get(element);
    if (chart) {
        return chart.updateOptions(withFormats(options), true, true);
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
