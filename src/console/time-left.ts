/** "3 h 20 min left", "12 min overdue": what a reviewer reads at a glance. */
export function timeLeft(deadline: string | undefined, nowMs: number): string {
  if (!deadline) return 'no deadline';
  const ms = Date.parse(deadline) - nowMs;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return ms >= 0 ? `${text} left` : `${text} overdue`;
}
