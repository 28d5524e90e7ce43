// Which optional server capabilities this server has. Service-level features arrive with
// the agreement record type (issue #4); the UI shows their screens only when the server
// declares the types, so an older server never shows a screen that cannot work.
import { useMeta } from './meta';

export function useServerFeatures() {
  const meta = useMeta();
  const names = new Set(meta.data?.types.map((t) => t.name) ?? []);
  return {
    slaReport: names.has('agreement'),
    slaClock: names.has('agreement'),
    catalogue: names.has('catalogue_item'),
  };
}
