/** @jsxImportSource preact */
import 'contact-widget';

export function Contact({ locale }: { locale: string }) {
  return (
    <>
      <contact-widget endpoint="/api/feedback" whatsapp="+1 555 0100" locale={locale} load="idle" class="contact" />
      {/* @ts-expect-error: not a position */}
      <contact-widget position="middle" />
    </>
  );
}
