// The inbox's only script: shows each <time datetime> in the reader's own time zone and language
// (the page, written on the server, says UTC). Served as /inbox/time.js under the CSP's
// script-src 'self'; the pages work without it.
const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
for (const time of document.querySelectorAll('time[datetime]')) {
  const date = new Date(time.dateTime);
  if (!Number.isNaN(date.getTime())) {
    time.title = time.textContent;
    time.textContent = format.format(date);
  }
}
