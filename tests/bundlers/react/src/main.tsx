import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
// Defines <contact-widget> (typed for JSX by the package) and window.ContactWidget.
import 'contact-widget';

function App() {
  const [locale, setLocale] = useState('en');
  const [shown, setShown] = useState(true);
  return (
    <main>
      <h1>React + Vite</h1>
      <button type="button" onClick={() => setLocale('fr')}>Français</button>
      <button type="button" onClick={() => setShown(!shown)}>{shown ? 'Hide' : 'Show'} the widget</button>
      {shown && <contact-widget endpoint="/api/feedback" email="help@example.com" locale={locale} position="bottom-left" offset-x={24} />}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
document.body.dataset.app = 'ready';
