//! Subresource Integrity hashes (sha384) of the files in `dist/`.

use std::collections::BTreeMap;

use base64::Engine;
use sha2::{Digest, Sha384};

/// The `integrity` attribute value of a file: `sha384-` and the base64 of its SHA-384.
pub fn sri(bytes: &[u8]) -> String {
    let hash = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(hash.as_slice())
    )
}

/// `integrity.json`: a JSON object from file name to its SRI hash, sorted by name.
pub fn manifest(files: &[(String, Vec<u8>)]) -> String {
    let hashes: BTreeMap<&String, String> = files
        .iter()
        .map(|(name, bytes)| (name, sri(bytes)))
        .collect();
    let mut json = serde_json::to_string_pretty(&hashes).expect("a map of strings serializes");
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_the_sri_spec() {
        fn check(input: &[u8], expected: &str) {
            assert_eq!(sri(input), expected, "{input:?}");
        }
        // Reference values: `openssl dgst -sha384 -binary | openssl base64 -A`.
        check(
            b"",
            "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb",
        );
        check(
            b"alert('Hello, world.');",
            "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO",
        );
    }
}
