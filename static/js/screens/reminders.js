// Reminder settings (reminder time, days, notifications on/off) arrive with the
// reminders feature. Its engineer fills this in: return a <section> for the settings
// screen, or null to show nothing. Until then nothing is shown — no dead buttons.
export function reminderSettings() {
  return null;
}
