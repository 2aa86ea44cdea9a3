// contact-widget/esbuild: an esbuild plugin that has esbuild emit the widget's wasm and language
// files (see esbuild.js). Typed structurally, so this file needs no esbuild types to check.
/** `esbuild.build({ …, plugins: [contactWidget()] })`. */
export default function contactWidget(): { name: string; setup(build: any): void };
