//! The TLS set-up of the client's own HTTP client: rustls with the `ring` crypto
//! provider (reqwest's default, aws-lc-rs, builds a C library that dominated a clean
//! build), certificates checked by the platform's verifier, plus any extra roots the
//! caller trusts.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls_platform_verifier::Verifier;

/// A rustls client configuration using `ring`, trusting the platform's roots and
/// `extra_roots` (DER-encoded certificates).
///
/// Built per client rather than installed as rustls' process-wide default provider,
/// so the application keeps its own choice.
pub(crate) fn client_config(
    extra_roots: &[Vec<u8>],
) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = extra_roots
        .iter()
        .map(|der| CertificateDer::from(der.clone()));
    let verifier = Verifier::new_with_extra_roots(roots, provider.clone())?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}
