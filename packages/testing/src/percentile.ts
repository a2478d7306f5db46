/** The value at fraction `p` (0.5, 0.95, 0.99) of the measurements, sorted; NaN when there are none. What every bench and the load tool report. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  return [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
}
