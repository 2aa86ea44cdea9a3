import { useRef } from 'react';
import 'contact-widget';

export function Contact({ locale }: { locale: string }) {
  const ref = useRef<HTMLElement>(null);
  return (
    <>
      <contact-widget ref={ref} endpoint="/api/feedback" email="help@example.com" locale={locale} offset-x={24} base-url="/cw/" className="contact" data-test="1" />
      {/* @ts-expect-error: not a position */}
      <contact-widget position="middle" />
    </>
  );
}
