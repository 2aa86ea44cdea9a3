// Types of the contact widget's JS API (window.ContactWidget) and configuration.
// Kept in step with crates/core (config keys, channel types, texts) and docs in README.md;
// tests/e2e/package.test.mjs type-checks an example against it with tsc.
//
// With the script tag, use the global `ContactWidget`; with npm,
// `import ContactWidget from "contact-widget"` gives the same object.

export type ChannelType =
  | "phone" | "sms" | "email" | "whatsapp" | "telegram" | "messenger"
  | "x" | "instagram" | "facebook" | "linkedin" | "link";

export interface Channel {
  type: ChannelType;
  /** Number, address, username or URL, as the visitor should see it. */
  value: string;
  /** Your own label, e.g. "Sales". */
  label?: string;
  /** Prefilled text (sms, email, whatsapp). */
  message?: string;
}

/** Whether the form asks for a field; true means "optional", false means "off". */
export type Ask = "off" | "optional" | "required";

export interface FormConfig {
  rating?: boolean;
  email?: Ask | boolean;
  name?: Ask | boolean;
  /** A sentence the visitor must tick before sending; stored with the submission. */
  consent?: string | null;
}

export interface Config {
  /** Where feedback is POSTed: an http(s) URL or a path on this site. */
  endpoint?: string;
  title?: string;
  greeting?: string;
  /** "auto" (default) or a BCP 47 tag. */
  locale?: string;
  position?: "bottom-right" | "bottom-left" | "top-right" | "top-left";
  /** Brand colour, #rrggbb or #rgb. */
  color?: string;
  channels?: Channel[];
  /** false hides the form. */
  form?: FormConfig | false;
  /** Overrides of any text by key (see README). */
  texts?: Partial<Record<TextKey, string>>;
  /** Reserved for business hours: not supported yet, ignored with a console note. */
  hours?: unknown;
  /** Lets editors find config.schema.json; ignored by the widget. */
  $schema?: string;
}

export type TextKey =
  | "title" | "greeting" | "close" | "channelsHeading" | "formHeading" | "message" | "email"
  | "name" | "optional" | "rating" | "ratingValue" | "send" | "sending" | "sent"
  | "errorRequired" | "errorEmailRequired" | "errorEmail" | "errorTooLong"
  | "failNetwork" | "failTimeout" | "failServer" | "failRejected" | "emailInstead"
  | "label.phone" | "label.sms" | "label.email" | "label.whatsapp" | "label.telegram"
  | "label.messenger" | "label.x" | "label.instagram" | "label.facebook" | "label.linkedin"
  | "label.link";

export type EventName = "ready" | "open" | "close" | "channel" | "submit" | "sent" | "queued" | "error";

export interface EventDetail {
  /** For "channel": the channel type. */
  type?: ChannelType;
  /** For "submit", "sent", "error": the submission id. */
  id?: string;
  /** For "error": offline | timeout | blocked | rejected | server. */
  kind?: "offline" | "timeout" | "blocked" | "rejected" | "server";
}

export interface ContactWidgetApi {
  readonly version: string;
  init(config?: Config): void;
  open(): void;
  close(): void;
  toggle(): void;
  update(partial: Config): void;
  destroy(): void;
  /** Listens to contact-widget:<name> events; returns a function that stops listening. */
  on(name: EventName, fn: (detail: EventDetail, event: CustomEvent<EventDetail>) => void): () => void;
}

declare global {
  interface Window {
    ContactWidget: ContactWidgetApi;
  }
  /** The global the script tag defines. */
  const ContactWidget: ContactWidgetApi;
}

/** `import ContactWidget from "contact-widget"`: the same object as `window.ContactWidget`. */
declare const api: ContactWidgetApi;
export default api;
