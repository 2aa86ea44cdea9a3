// Types of the contact widget's JS API (window.ContactWidget) and configuration.
// Kept in step with crates/core (config keys, channel types, texts) and docs in README.md;
// tests/e2e/package.test.mjs type-checks an example against it with tsc.
//
// With the script tag, use the global `ContactWidget`; with npm,
// `import ContactWidget from "contact-widget"` gives the same object. <contact-widget> is typed
// for React, Preact, Solid and Vue templates (at the end); each block is self-contained, so it
// costs nothing where that framework is not installed.

export type ChannelType =
  | "phone" | "sms" | "email" | "whatsapp" | "telegram" | "messenger" | "signal" | "viber"
  | "line" | "wechat" | "skype" | "teams" | "discord" | "x" | "instagram" | "facebook"
  | "linkedin" | "youtube" | "tiktok" | "map" | "link" | "custom";

export interface Channel {
  type: ChannelType;
  /** Number, address, username or URL, as the visitor should see it. */
  value: string;
  /** Your own label, e.g. "Sales". */
  label?: string;
  /** Prefilled text (sms, email, whatsapp, teams). */
  message?: string;
  /** Prefilled subject (email). */
  subject?: string;
  /** The heading it is listed under; the default depends on the type. */
  group?: "call" | "message" | "visit" | "follow" | "other";
  /** Show it on phones and tablets only, or on computers only (default "all"). */
  devices?: "all" | "mobile" | "desktop";
  /** This channel's own hours; the time zone defaults to the widget's. */
  hours?: Partial<Hours>;
  /** Outside its hours (default "dim" with its own hours, else "keep"). */
  whenClosed?: "keep" | "dim" | "hide";
  /** "Typically replies within minutes / in about an hour / within a few hours / within a day". */
  replyTime?: "minutes" | "hour" | "hours" | "day";
}

/** Ranges such as "09:00-17:00", "09:00-12:00, 13:00-17:00", "22:00-02:00", or "closed". */
export type Ranges = string | string[];

export interface Hours {
  /** The IANA time zone the hours are in, e.g. "America/New_York". */
  timeZone: string;
  /** Days ("mon", "mon-fri", "sat,sun", "daily") to ranges; days not listed are closed. */
  weekly: Record<string, Ranges>;
  /** Dates ("2026-12-24", "2026-08-01/2026-08-15", "12-25" every year) to ranges or "closed". */
  exceptions?: Record<string, Ranges>;
}

/** Whether the form asks for a field; true means "optional", false means "off". */
export type Ask = "off" | "optional" | "required";

export interface FormConfig {
  /** true means "stars"; sent as 1-5 (thumbs as 1 or 5). */
  rating?: boolean | "off" | "stars" | "faces" | "thumbs";
  email?: Ask | boolean;
  name?: Ask | boolean;
  /** A sentence the visitor must tick before sending; stored with the submission. */
  consent?: string | null;
  /** "flag" (default): a message that looks automated is sent with flags for you to judge; "drop": a filled honeypot is not sent. A person's message is never dropped. */
  spam?: "drop" | "flag";
  /** A message sent sooner than this after the visitor started writing it is flagged "too-fast" (default 2; 0 switches it off). */
  minSeconds?: number;
  /** How soon you usually answer, said with the thanks after sending. */
  replyTime?: "minutes" | "hour" | "hours" | "day";
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
  position?: "bottom-right" | "bottom-left" | "top-right" | "top-left" | "middle-right" | "middle-left";
  /** Pixels from the side of the window (0–400), plus the device's safe area. */
  offsetX?: number | string;
  /** Pixels from the top or bottom of the window (0–400), plus the safe area. */
  offsetY?: number | string;
  zIndex?: number | string;
  /** Where the launcher leads if the widget cannot run: an https:, mailto: or tel: URL. */
  fallback?: string;
  /** When the panel is fetched: when the visitor reaches for the launcher (default), when the page is idle, or at once. */
  load?: "intent" | "idle" | "eager";
  /** Seconds after the page loads before the launcher appears (0 to 600, default 0). The panel never opens by itself. */
  delay?: number | `${number}`;
  /** Where the widget shows, by the page's path (`*` stands for any characters); checked again on single-page-app navigation. */
  pages?: { include?: string[]; exclude?: string[] };
  /** Count opens and channel uses in the inbox: no cookie, no identifier, nothing stored on the device. Default false. */
  insights?: boolean;
  /** Brand colour, #rrggbb or #rgb. */
  color?: string;
  theme?: Theme;
  channels?: Channel[];
  /** false hides the form. */
  form?: FormConfig | false;
  /** Overrides of any text by key, for every language; or, under a language tag such as "fr",
   *  for that language only (see README). */
  texts?: Partial<Record<TextKey, string>> & { [languageTag: string]: string | Partial<Record<TextKey, string>> | undefined };
  /** Business hours: the panel says "Open now" or when it opens, in the visitor's time zone. */
  hours?: Hours;
  /** Where the widget's other files are hosted (a folder URL, such as a CDN's, with the files of
   *  the same version); by default next to contact-widget.js, or where your bundler put them. */
  baseUrl?: string;
  /** Lets editors find config.schema.json; ignored by the widget. */
  $schema?: string;
}

export interface Theme {
  /** "auto" (default) follows the visitor's prefers-color-scheme. */
  scheme?: "auto" | "light" | "dark";
  /** The panel's corner radius in px, 0-32 (default 16). */
  radius?: number;
  launcher?: "icon-label" | "icon" | "label";
  /** A CSS font-family list; default the system font stack. */
  font?: string;
}

export type TextKey =
  | "title" | "launcher" | "greeting" | "close" | "channelsHeading" | "formHeading" | "message"
  | "email" | "name" | "optional" | "rating" | "ratingValue" | "ratingFace1" | "ratingFace2"
  | "ratingFace3" | "ratingFace4" | "ratingFace5" | "ratingThumbDown" | "ratingThumbUp"
  | "counter" | "send" | "sending" | "sent" | "errorRequired" | "errorEmailRequired"
  | "errorNameRequired" | "errorEmail" | "errorTooLong" | "errorConsent" | "queued"
  | "failBlocked" | "failTimeout" | "failServer" | "failRejected" | "failTooMany"
  | "noOfflineCopy" | "emailInstead" | "sentReplyTo" | "writeAnother" | "label.phone" | "label.sms" | "label.email"
  | "label.whatsapp" | "label.telegram" | "label.messenger" | "label.signal" | "label.viber"
  | "label.line" | "label.wechat" | "label.skype" | "label.teams" | "label.discord" | "label.x"
  | "label.instagram" | "label.facebook" | "label.linkedin" | "label.youtube" | "label.tiktok"
  | "label.map" | "label.link" | "label.custom" | "group.call" | "group.message" | "group.visit"
  | "group.follow" | "group.other" | "openNow" | "closedOpens" | "closed" | "reply.minutes"
  | "reply.hour" | "reply.hours" | "reply.day" | "copy" | "copied" | "qrCode" | "qrHint";

export type EventName = "ready" | "open" | "close" | "channel" | "submit" | "sent" | "queued" | "error";

export interface EventDetail {
  /** For "channel": the channel type. */
  type?: ChannelType;
  /** For "channel": what the visitor did: opened its link, copied its number or ID, or showed its QR code. */
  action?: "open" | "copy" | "qr";
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
  /** The global the script tag defines. */
  const ContactWidget: ContactWidgetApi;
}

/** `import ContactWidget from "contact-widget"`: the same object as `window.ContactWidget`. */
declare const api: ContactWidgetApi;
export default api;

/**
 * The attributes of a `<contact-widget>` written in a page or a framework's template: the config
 * keys that are plain values, in kebab case (`offset-x` for `offsetX`; with `data-` in front too),
 * and one per channel type, whose value is the channel's (`email="help@example.com"`), in
 * attribute order. The rest (theme, texts, hours, channels with labels) comes from init() or the
 * JSON block. A change of an attribute updates the widget.
 */
export type ContactWidgetAttributes = {
  endpoint?: string;
  transport?: Config["transport"];
  title?: string;
  greeting?: string;
  locale?: string;
  position?: Config["position"];
  "offset-x"?: number | string;
  "offset-y"?: number | string;
  "z-index"?: number | string;
  color?: string;
  fallback?: string;
  load?: Config["load"];
  "base-url"?: string;
  /** "false" hides the form. */
  form?: "false";
} & { [type in ChannelType]?: string };

/** What a framework's template may set on `<contact-widget>`: its attributes and the usual few. */
export type ContactWidgetProps = ContactWidgetAttributes & {
  id?: string;
  class?: string;
  className?: string;
  style?: unknown;
  slot?: string;
  hidden?: boolean;
  ref?: unknown;
  children?: unknown;
};

// Vue's template checker matches `offset-x` to a prop named offsetX.
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type CamelKeys<T> = { [K in keyof T as K extends string ? Camel<K> : K]: T[K] };

declare global {
  interface HTMLElementTagNameMap {
    "contact-widget": HTMLElement;
  }
}
declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "contact-widget": ContactWidgetProps;
    }
  }
}
declare module "preact" {
  namespace JSX {
    interface IntrinsicElements {
      "contact-widget": ContactWidgetProps;
    }
  }
}
declare module "solid-js/jsx-runtime" {
  namespace JSX {
    interface IntrinsicElements {
      "contact-widget": ContactWidgetProps;
    }
  }
}
declare module "vue" {
  interface GlobalComponents {
    "contact-widget": new () => { $props: CamelKeys<ContactWidgetProps> };
  }
}
