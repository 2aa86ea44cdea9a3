// The widget's own config validation (crates/core, compiled to wasm) for as-you-type checks.

/**
 * Loads `validate(config) -> [{ path, message }]` from the widget's wasm in `dist`.
 * The `?validate` query makes this a separate module instance from the one the loader imports
 * for the preview, so neither initialises the other's wasm.
 */
export async function loadValidator(dist) {
  // The glue and wasm are named by their content; integrity.json lists every file in dist/.
  const names = Object.keys(await (await fetch(new URL('integrity.json', dist))).json());
  const glue = names.find((n) => /^widget\.[0-9a-f]+\.js$/.test(n));
  const wasm = names.find((n) => /^widget_bg\.[0-9a-f]+\.wasm$/.test(n));
  const module = await import(new URL(`${glue}?validate`, dist).href);
  await module.default({ module_or_path: new URL(wasm, dist) });
  return (config) => module.validate(config);
}
