// Passkeys (WebAuthn) in the browser: the server's JSON options become the binary
// ones navigator.credentials takes, and the credential it returns becomes JSON again.
// Written out rather than PublicKeyCredential.parse*FromJSON()/toJSON(), which older
// phones lack.

const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const bin = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

export const supported = () => typeof PublicKeyCredential === 'function' && !!navigator.credentials;

function credentialJSON(credential) {
  const r = credential.response;
  const response = { clientDataJSON: b64(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = b64(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = b64(r.authenticatorData);
    response.signature = b64(r.signature);
    if (r.userHandle) response.userHandle = b64(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: b64(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
  };
}

// Make a passkey from the server's creation options ({publicKey: ...}).
export async function create({ publicKey }) {
  const options = {
    ...publicKey,
    challenge: bin(publicKey.challenge),
    user: { ...publicKey.user, id: bin(publicKey.user.id) },
    excludeCredentials: (publicKey.excludeCredentials || []).map((c) => ({ ...c, id: bin(c.id) })),
  };
  return credentialJSON(await navigator.credentials.create({ publicKey: options }));
}

// Answer the server's request options ({publicKey: ...}) with a passkey of this site.
export async function get({ publicKey }) {
  const options = {
    ...publicKey,
    challenge: bin(publicKey.challenge),
    allowCredentials: (publicKey.allowCredentials || []).map((c) => ({ ...c, id: bin(c.id) })),
  };
  return credentialJSON(await navigator.credentials.get({ publicKey: options }));
}
