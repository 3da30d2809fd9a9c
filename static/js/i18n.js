// One catalogue per language (static/i18n/<lang>.js); dates and numbers through Intl.
export const LANGUAGES = ['da', 'en'];
const LOCALES = { da: 'da-DK', en: 'en-GB' };
let lang = 'da';
let words = {};

export function guessLanguage() {
  const asked = (navigator.languages || [navigator.language || 'da']).map((l) => l.slice(0, 2));
  return asked.find((l) => LANGUAGES.includes(l)) || 'da';
}

export async function useLanguage(wanted) {
  lang = LANGUAGES.includes(wanted) ? wanted : 'da';
  words = (await import(`../i18n/${lang}.js`)).default;
  document.documentElement.lang = lang;
  return lang;
}

export function language() {
  return lang;
}

export function locale() {
  return LOCALES[lang];
}

// t('sets_logged', {n: 2}) fills {n}; a key missing from the catalogue shows itself.
export function t(key, values) {
  let text = words[key] ?? key;
  if (typeof text === 'function') text = text(values || {});
  return text.replace(/\{(\w+)\}/g, (_, name) =>
    typeof values?.[name] === 'number' ? number(values[name]) : String(values?.[name] ?? ''));
}

export function number(value, options) {
  return new Intl.NumberFormat(locale(), options).format(value);
}

export function date(value, options = { weekday: 'long', day: 'numeric', month: 'long' }) {
  const d = typeof value === 'string' && value.length === 10 ? new Date(`${value}T12:00:00`) : new Date(value);
  return new Intl.DateTimeFormat(locale(), options).format(d);
}

// Today as YYYY-MM-DD in the person's time zone (en-CA formats so), not the phone's.
export function localDay(timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}
