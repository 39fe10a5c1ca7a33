//! No public constructor of the generated `Client`.
//!
//! progenitor emits `Client::new`, which builds its own reqwest client with
//! reqwest's defaults (redirects followed, carrying `X-Auth-Token` and
//! `X-Security-Token` to whatever host a 3xx names; environment proxies for plain
//! http), and `Client::new_with_client`, which takes any reqwest client. Orders
//! must not be re-sent and credentials must not leave, so `new` is removed and
//! `new_with_client` becomes `pub(crate)`: the hand-written `OrdersClient`
//! (`generated_client`) is the only way to a generated client.

use anyhow::{Result, bail};
use syn::{ImplItem, Item, Type, Visibility, parse_quote};

/// Removes `Client::new` and makes `Client::new_with_client` crate-private; fails
/// when either is missing (a progenitor upgrade renamed them), so a new public
/// constructor cannot slip through unnoticed.
pub fn restrict(file: &mut syn::File) -> Result<()> {
    let mut removed_new = false;
    let mut restricted = false;
    for item in &mut file.items {
        let Item::Impl(block) = item else {
            continue;
        };
        let is_client = block.trait_.is_none()
            && matches!(&*block.self_ty, Type::Path(path) if path.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        block.items.retain(|member| {
            let is_new = matches!(member, ImplItem::Fn(function) if function.sig.ident == "new");
            removed_new |= is_new;
            !is_new
        });
        for member in &mut block.items {
            if let ImplItem::Fn(function) = member
                && function.sig.ident == "new_with_client"
            {
                function.vis = parse_quote!(pub(crate));
                restricted = true;
            }
        }
    }
    if !removed_new || !restricted {
        bail!(
            "the generated `impl Client` no longer has `new` and `new_with_client` \
             (found new: {removed_new}, new_with_client: {restricted}); update \
             xtask/src/client_constructors.rs so that no public constructor remains"
        );
    }
    // Anything else public that returns a Client is a constructor too.
    for item in &file.items {
        let Item::Impl(block) = item else {
            continue;
        };
        if !matches!(&*block.self_ty, Type::Path(path) if path.path.is_ident("Client")) {
            continue;
        }
        for member in &block.items {
            if let ImplItem::Fn(function) = member
                && matches!(function.vis, Visibility::Public(_))
                && matches!(&function.sig.output, syn::ReturnType::Type(_, returned)
                    if matches!(&**returned, Type::Path(path)
                        if path.path.is_ident("Self") || path.path.is_ident("Client")))
            {
                bail!(
                    "the generated `Client::{}` is a public constructor; make it \
                     crate-private in xtask/src/client_constructors.rs",
                    function.sig.ident
                );
            }
        }
    }
    Ok(())
}
