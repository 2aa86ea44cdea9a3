/** @jsxImportSource solid-js */
import 'contact-widget';

export function Contact(props: { locale: string }) {
  return (
    <>
      <contact-widget endpoint="/api/feedback" telegram="@examplehq" locale={props.locale} z-index={10} class="contact" />
      {/* @ts-expect-error: not a position */}
      <contact-widget position="middle" />
    </>
  );
}
