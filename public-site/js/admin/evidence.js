// A grantee's evidence (an invoice or receipt file) is hashed here, in the
// browser, with WebCrypto SHA-256; only the hash goes into the ledger, in
// lowercase hex as `sha256sum` prints it (docs/format.md, evidence_sha256).
// The file itself is read into memory and never sent anywhere: nothing in
// this module, or any caller, puts it in a request.

/** Lowercase hex SHA-256 of `bytes` (an ArrayBuffer or typed array). */
export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hash of a File or Blob chosen in the page. */
export async function hashFile(file) {
  return sha256Hex(await file.arrayBuffer());
}
