/**
 * The layout `wkg` (wasm-pkg-tools, through the oci-wasm crate) publishes a component in: an OCI
 * image manifest whose config is a small JSON document of media type
 * `application/vnd.wasm.config.v0+json` and whose one layer is the component, `application/wasm`.
 * Bytes in, the config and manifest documents out; and the reverse: a manifest in, its wasm layer out.
 */

export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const CONFIG_MEDIA_TYPE = 'application/vnd.wasm.config.v0+json';
export const WASM_LAYER_MEDIA_TYPE = 'application/wasm';

/** What a pull accepts: an OCI image manifest, or Docker's schema 2, which has the same shape. */
export const MANIFEST_ACCEPT = [MANIFEST_MEDIA_TYPE, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

/**
 * The config document, with the fields the oci-wasm crate writes (`os: wasip2` marks a component,
 * `component` lists its world's imports and exports by name).
 * @param {string} layerDigest
 * @param {{imports: {name: string}[], exports: {name: string}[]}} component
 */
export function wasmConfig(layerDigest, component) {
  return {
    created: new Date().toISOString(),
    architecture: 'wasm',
    os: 'wasip2',
    layerDigests: [layerDigest],
    component: {
      exports: component.exports.map((e) => e.name),
      imports: component.imports.map((i) => i.name),
      target: null,
    },
  };
}

/** The image manifest of one config blob and one wasm layer, each `{digest, size}`. */
export function wasmManifest(config, layer) {
  return {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: { mediaType: CONFIG_MEDIA_TYPE, ...config },
    layers: [{ mediaType: WASM_LAYER_MEDIA_TYPE, ...layer }],
  };
}

/** The manifest's `application/wasm` layer descriptor, or undefined when it has none. */
export function wasmLayer(manifest) {
  const layers = Array.isArray(manifest?.layers) ? manifest.layers : [];
  return layers.find((layer) => layer?.mediaType === WASM_LAYER_MEDIA_TYPE && typeof layer.digest === 'string');
}
