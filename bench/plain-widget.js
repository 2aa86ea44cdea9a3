// BENCH ONLY, not shipped: a hand-written plain-JS contact widget, the reference that
// bench/widget.mjs measures ours against. It is what a site owner could write in an afternoon with
// DOM APIs and no framework: a launcher and a panel with the same channels as the bench's snippet
// (phone, e-mail, WhatsApp) and a feedback form, read from the same data-* attributes, in a
// shadow root. Like most such widgets it builds everything at once when it loads (the panel
// hidden); it has none of ours' config checks, languages, hours, drafts or delivery queue.
(() => {
  const script = document.currentScript;
  const data = script ? script.dataset : {};
  const title = data.title || 'Contact us';
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };

  const host = document.createElement('plain-contact-widget');
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.append(el('style', { textContent: `
    :host { all: initial; }
    .cw { font: 15px/1.4 system-ui, sans-serif; color: #1f1f1f; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0;
      border-radius: 24px; padding: 12px 18px; background: #0b57d0; color: #fff; font: inherit;
      font-weight: 600; cursor: pointer; box-shadow: 0 2px 8px rgb(0 0 0 / .25); }
    .launcher:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
    .panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483000; width: 340px;
      max-height: calc(100vh - 120px); overflow: auto; background: #fff; border-radius: 12px;
      box-shadow: 0 8px 28px rgb(0 0 0 / .3); padding: 16px; box-sizing: border-box; }
    .panel[hidden] { display: none; }
    header { display: flex; justify-content: space-between; align-items: center; }
    h2 { font-size: 18px; margin: 0; }
    .close { border: 0; background: none; font-size: 22px; cursor: pointer; padding: 4px 8px; }
    ul { list-style: none; margin: 12px 0; padding: 0; }
    li a { display: block; padding: 8px 10px; border-radius: 8px; color: #0b57d0; text-decoration: none; }
    li a:hover { background: #eef3fd; }
    label { display: block; margin-top: 8px; font-weight: 600; }
    input, textarea { display: block; width: 100%; box-sizing: border-box; margin-top: 4px;
      padding: 8px; border: 1px solid #767676; border-radius: 6px; font: inherit; }
    textarea { min-height: 96px; resize: vertical; }
    .send { margin-top: 12px; border: 0; border-radius: 6px; padding: 10px 16px; background: #0b57d0;
      color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
    .status { margin: 8px 0 0; min-height: 1.4em; }
  ` }));

  // The channels, as links: a number keeps its + and digits.
  const digits = (phone) => phone.replace(/[^\d+]/g, '');
  const channels = [];
  if (data.phone) channels.push(['Call ' + data.phone, 'tel:' + digits(data.phone)]);
  if (data.email) channels.push(['E-mail ' + data.email, 'mailto:' + data.email]);
  if (data.whatsapp) channels.push(['WhatsApp', 'https://wa.me/' + digits(data.whatsapp).replace('+', '')]);
  const list = el('ul', {}, ...channels.map(([text, href]) =>
    el('li', {}, el('a', { href, textContent: text, target: href.startsWith('https:') ? '_blank' : '', rel: 'noopener' }))));

  // The feedback form.
  const field = (text, control) => el('label', {}, text, control);
  const name = el('input', { name: 'name', autocomplete: 'name', maxLength: 200 });
  const email = el('input', { name: 'email', type: 'email', autocomplete: 'email', maxLength: 254 });
  const message = el('textarea', { name: 'message', required: true, maxLength: 5000 });
  const status = el('p', { className: 'status' });
  status.setAttribute('role', 'status');
  const send = el('button', { className: 'send', type: 'submit', textContent: 'Send' });
  const form = el('form', {}, field('Your message', message), field('Name (optional)', name),
    field('E-mail for a reply (optional)', email), send, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!message.value.trim()) return message.focus();
    send.disabled = true;
    status.textContent = 'Sending…';
    try {
      const response = await fetch(data.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: crypto.randomUUID(), message: message.value, name: name.value,
          email: email.value, page: location.href }),
      });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      form.reset();
      status.textContent = 'Thank you! We will get back to you soon.';
    } catch (error) {
      status.textContent = 'Sending failed; please try again or write to us directly.';
    } finally {
      send.disabled = false;
    }
  });

  // The panel: a non-modal dialog next to the launcher.
  const heading = el('h2', { id: 'pcw-title', textContent: title });
  const close = el('button', { className: 'close', type: 'button', textContent: '×' });
  close.setAttribute('aria-label', 'Close');
  const panel = el('div', { className: 'panel', id: 'pcw-panel', hidden: true },
    el('header', {}, heading, close), list, form);
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'pcw-title');
  const launcher = el('button', { className: 'launcher', type: 'button', textContent: title });
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'pcw-panel');

  const setOpen = (open) => {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    (open ? close : launcher).focus();
  };
  launcher.addEventListener('click', () => setOpen(panel.hidden));
  close.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') setOpen(false); });

  shadow.append(el('div', { className: 'cw' }, panel, launcher));
  const attach = () => document.body.append(host);
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
})();
