// contact-widget/esbuild: an esbuild plugin, `plugins: [contactWidget()]`. Vite, webpack, Rollup
// and Parcel emit the files this package names as `new URL("./file", import.meta.url)` (the wasm
// and the language files); esbuild does not follow that pattern (evanw/esbuild#795). In this
// package's own modules the plugin makes each such URL an import of the file through esbuild's
// `file` loader, so the build emits it with a hashed name and the URL points at it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = path.dirname(fileURLToPath(import.meta.url));
// The file's path (a query, such as the `?no-inline` meant for Vite, left out).
const URL_OF_FILE = /new URL\((["'])(\.\/[^"'?]+)(\?[^"']*)?\1, ?import\.meta\.url\)/g;
// esbuild's filters are Go regular expressions: the package's folder, written literally.
const under = (pattern) => new RegExp('^' + PACKAGE.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&') + pattern);

export default function contactWidget() {
  return {
    name: 'contact-widget',
    setup(build) {
      build.onLoad({ filter: under('[\\\\/][^\\\\/]+\\.m?js$') }, async (args) => {
        const imports = [];
        const contents = (await readFile(args.path, 'utf8')).replace(URL_OF_FILE, (match, quote, file) => {
          const name = `contactWidgetFile${imports.length}`;
          imports.push(`import ${name} from ${JSON.stringify(file)};\n`);
          return `new URL(${name}, import.meta.url)`;
        });
        return { contents: imports.join('') + contents, loader: 'js' };
      });
      build.onLoad({ filter: under('[\\\\/]([^\\\\/]+\\.wasm|locales[\\\\/][^\\\\/]+\\.json)$') }, async (args) => ({
        contents: await readFile(args.path),
        loader: 'file',
      }));
    },
  };
}
