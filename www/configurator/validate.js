// The widget's own config validation (crates/core, compiled to wasm) for as-you-type checks.

/**
 * Loads `validate(config) -> [{ path, message }]` from the validator in `dist`: the widget's
 * wasm built with the core's messages for owners (dist/validate.HASH.js and its wasm, which only
 * the configurator loads; the visitor's widget names each problem by its path alone).
 */
export async function loadValidator(dist) {
  // The glue and wasm are named by their content; integrity.json lists every file in dist/.
  const names = Object.keys(await (await fetch(new URL('integrity.json', dist))).json());
  const glue = names.find((n) => /^validate\.[0-9a-f]+\.js$/.test(n));
  const module = await import(new URL(glue, dist).href);
  await module.default(); // fetches validate_bg.HASH.wasm next to the glue
  return (config) => module.validate(config);
}
