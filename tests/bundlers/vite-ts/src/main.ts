import ContactWidget, { type Config } from 'contact-widget';

const config: Config = {
  endpoint: '/api/feedback',
  channels: [{ type: 'email', value: 'help@example.com' }],
};
ContactWidget.init(config);
document.querySelector('#french')!.addEventListener('click', () => ContactWidget.update({ locale: 'fr' }));
// The host's own code after the import runs (the widget never throws into it).
document.body.dataset.app = 'ready';
