import ContactWidget from 'contact-widget';

ContactWidget.init({
  endpoint: '/api/feedback',
  channels: [{ type: 'email', value: 'help@example.com' }],
});
document.querySelector('#french').addEventListener('click', () => ContactWidget.update({ locale: 'fr' }));
document.body.dataset.app = 'ready';
