// The widget's own config validation (crates/core, compiled to wasm) for as-you-type checks.

/**
 * Loads `validate(config) -> [{ path, message }]` from the widget's wasm in `dist`.
 * The `?validate` query makes this a separate module instance from the one the loader imports
 * for the preview, so neither initialises the other's wasm.
 */
export async function loadValidator(dist) {
  const module = await import(new URL('widget.js?validate', dist).href);
  await module.default({ module_or_path: new URL('widget_bg.wasm', dist) });
  return (config) => module.validate(config);
}
