// Types of the contact widget's JS API (window.ContactWidget) and configuration.
// Kept in step with crates/core (config keys, channel types, texts) and docs in README.md.

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

export type Ask = "off" | "optional" | "required";

export interface FormConfig {
  /** true means "stars"; sent as 1-5 (thumbs as 1 or 5). */
  rating?: boolean | "off" | "stars" | "faces" | "thumbs";
  email?: Ask | boolean;
  name?: Ask | boolean;
  /** A sentence the visitor must tick before sending; stored with the submission. */
  consent?: string | null;
  /** What happens to a message that looks automated; the visitor always sees success. */
  spam?: "drop" | "flag";
  /** A message sent sooner than this after opening counts as spam (default 2). */
  minSeconds?: number;
}

export interface Config {
  /** Where feedback is POSTed: an http(s) URL or a path on this site. */
  endpoint?: string;
  /** "simple": text/plain without custom headers, for endpoints that cannot answer a CORS preflight. */
  transport?: "json" | "simple";
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
  texts?: Record<string, string>;
}

export type EventName = "ready" | "open" | "close" | "channel" | "submit" | "sent" | "queued" | "error";

export interface EventDetail {
  /** For "channel": the channel type. */
  type?: ChannelType;
  /** For "submit", "sent", "queued", "error": the submission id. */
  id?: string;
  /** For "error": what went wrong. */
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
}

export {};
