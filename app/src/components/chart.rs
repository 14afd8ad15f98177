//! Line and bar charts drawn as SVG on the server (no chart library, no script), each with its
//! numbers as a table beside it for screen readers and for reading exact values.

use leptos::prelude::*;

/// One line or one colour of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per label.
    pub values: Vec<i64>,
    /// How a value is written in the table and on the axis.
    pub formatted: Vec<String>,
    /// The CSS class that colours it (`series-a`, `series-b`).
    pub class: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Line,
    Bars,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The top of the axis: the largest value rounded up to 1, 2 or 5 times a power of ten.
pub fn axis_top(largest: i64) -> i64 {
    if largest <= 0 {
        return 1;
    }
    let mut power = 1_i64;
    while power.saturating_mul(10) <= largest {
        power = power.saturating_mul(10);
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|factor| power.saturating_mul(factor))
        .find(|top| *top >= largest)
        .unwrap_or(largest)
}

/// The height on the plot of `value` (0 at the bottom, `top` at the top).
fn y_of(value: i64, top: i64) -> f64 {
    let plot = HEIGHT - TOP - BOTTOM;
    let share = value.max(0) as f64 / top as f64;
    HEIGHT - BOTTOM - share * plot
}

/// The centre of slot `index` out of `count` across the plot.
fn x_of(index: usize, count: usize) -> f64 {
    let slot = (WIDTH - LEFT) / count.max(1) as f64;
    LEFT + slot * (index as f64 + 0.5)
}

/// The `points` of a polyline through `values`.
pub fn line_points(values: &[i64], top: i64) -> String {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| format!("{:.1},{:.1}", x_of(index, values.len()), y_of(*value, top)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which labels are written under the axis: about six, always the first and the last.
fn shown_labels(count: usize) -> impl Fn(usize) -> bool {
    let every = count.div_ceil(6).max(1);
    move |index| index % every == 0 || index + 1 == count
}

#[component]
pub fn Chart(
    /// The chart's title, also the table's caption.
    title: String,
    /// The header of the labels' column in the table ("Jour", "Mois").
    label_header: String,
    labels: Vec<String>,
    series: Vec<Series>,
    shape: Shape,
    /// Writes the value at the top of the axis, as the table writes values.
    axis_label: Callback<i64, String>,
) -> impl IntoView {
    let count = labels.len();
    let largest = series
        .iter()
        .flat_map(|series| series.values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = axis_top(largest);
    let shown = shown_labels(count);
    let axis_labels: Vec<_> = labels
        .iter()
        .enumerate()
        .filter(|(index, _)| shown(*index))
        .map(|(index, label)| {
            view! {
                <text x=format!("{:.1}", x_of(index, count)) y=HEIGHT - 8.0 text-anchor="middle">
                    {label.clone()}
                </text>
            }
        })
        .collect();
    let slot = (WIDTH - LEFT) / count.max(1) as f64;
    let bar_width = slot * 0.8 / series.len().max(1) as f64;
    let marks: Vec<_> = series
        .iter()
        .enumerate()
        .map(|(position, one)| match shape {
            Shape::Line => view! {
                <polyline class=one.class points=line_points(&one.values, top) fill="none" />
            }
            .into_any(),
            Shape::Bars => one
                .values
                .iter()
                .enumerate()
                .map(|(index, value)| {
                    let left = x_of(index, count) - slot * 0.4 + bar_width * position as f64;
                    let y = y_of(*value, top);
                    view! {
                        <rect
                            class=one.class
                            x=format!("{left:.1}")
                            y=format!("{y:.1}")
                            width=format!("{bar_width:.1}")
                            height=format!("{:.1}", HEIGHT - BOTTOM - y)
                        />
                    }
                })
                .collect_view()
                .into_any(),
        })
        .collect();
    let legend: Vec<_> = series
        .iter()
        .map(|one| {
            view! {
                <li>
                    <span class=format!("swatch {}", one.class) aria-hidden="true"></span>
                    {one.name.clone()}
                </li>
            }
        })
        .collect();
    let header: Vec<_> = series
        .iter()
        .map(|one| view! { <th scope="col">{one.name.clone()}</th> })
        .collect();
    let rows: Vec<_> = labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let cells: Vec<_> = series
                .iter()
                .map(|one| {
                    let value = one.formatted.get(index).cloned().unwrap_or_default();
                    view! { <td>{value}</td> }
                })
                .collect();
            view! {
                <tr>
                    <th scope="row">{label.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect();
    let (caption, svg_label, table_label) = (title.clone(), title.clone(), title.clone());
    view! {
        <figure class="chart">
            <figcaption>{caption}</figcaption>
            <div class="chart-body">
                <svg
                    viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                    role="img"
                    aria-label=svg_label
                >
                    <line class="axis" x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH y2=HEIGHT - BOTTOM />
                    <line class="grid" x1=LEFT y1=TOP x2=WIDTH y2=TOP />
                    <text class="axis-top" x=LEFT y=TOP - 2.0>
                        {axis_label.run(top)}
                    </text>
                    {marks}
                    {axis_labels}
                </svg>
                <ul class="legend">{legend}</ul>
                <div class="chart-table" tabindex="0" role="region" aria-label=table_label>
                    <table>
                        <caption>{title}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{label_header}</th>
                                {header}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number_above_the_largest_value() {
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(1), 1);
        assert_eq!(axis_top(7), 10);
        assert_eq!(axis_top(13), 20);
        assert_eq!(axis_top(48), 50);
        assert_eq!(axis_top(50), 50);
        assert_eq!(axis_top(51), 100);
        assert_eq!(axis_top(2_345), 5_000);
    }

    #[test]
    fn a_line_runs_from_the_bottom_to_the_top_of_the_plot() {
        let points = line_points(&[0, 5, 10], 10);
        let heights: Vec<f64> = points
            .split(' ')
            .filter_map(|point| point.split(',').nth(1)?.parse().ok())
            .collect();
        assert_eq!(
            heights,
            vec![HEIGHT - BOTTOM, (HEIGHT - BOTTOM + TOP) / 2.0, TOP]
        );
    }

    #[test]
    fn about_six_labels_are_written_first_and_last_included() {
        let shown = shown_labels(30);
        let written: Vec<usize> = (0..30).filter(|index| shown(*index)).collect();
        assert_eq!(written, vec![0, 5, 10, 15, 20, 25, 29]);
        let shown = shown_labels(7);
        assert_eq!((0..7).filter(|index| shown(*index)).count(), 4);
    }
}
