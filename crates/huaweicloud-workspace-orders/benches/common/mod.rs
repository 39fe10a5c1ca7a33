//! The order every benchmark sends: a yearly/monthly `createDesktops` order for `n`
//! desktops, built through the generated builders so that every constrained field
//! (user and computer names, disk sizes, the 1..=100 desktop count, tag lengths, the
//! period type) is checked on the way, as a caller's code would build it.
//!
//! The per-desktop values are made beforehand ([`desktop_inputs`]): a caller has them
//! already (from a form, a file, a database), so producing them is not the client's
//! cost, and the untyped baseline does not pay for it either.

// Each bench binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::error::Error;

use huaweicloud_workspace_orders::constrained::{BoundedInteger, BoundedVec};
use huaweicloud_workspace_orders::types::{
    self, DesktopImageType, DesktopNic, DesktopType, DesktopUserGroup, DiskTypeV2,
    PeriodicDesktopComputerName, PeriodicOrderRequestType, SubscriptionPeriodType,
};
use serde_json::json;

/// The desktop counts measured: one, a team, the typical upper batch, the maximum.
pub const DESKTOP_COUNTS: [usize; 4] = [1, 10, 50, 100];

/// The project id in the request path.
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

const PRODUCT_ID: &str = "workspace.x86.ultimate.large2";
const IMAGE_ID: &str = "e1d65e11-861c-459d-a3a8-ab150d79befc";
const SUBNET_ID: &str = "197c1aa4-2611-48bd-a3af-ac4ce2c17c4c";

/// What the caller knows about one desktop to order.
pub struct DesktopInput {
    pub user_name: String,
    pub user_email: String,
    pub computer_name: String,
}

/// `count` distinct desktops.
pub fn desktop_inputs(count: usize) -> Vec<DesktopInput> {
    (0..count)
        .map(|index| DesktopInput {
            user_name: format!("user_{index:05}"),
            user_email: format!("user{index:05}@example.com"),
            computer_name: format!("ws-{index:05}"),
        })
        .collect()
}

/// Builds and validates a `createDesktops` order for `desktops`.
pub fn desktop_order(
    desktops: &[DesktopInput],
) -> Result<types::PeriodicOrderRequest, Box<dyn Error>> {
    // Sized up front: growing a Vec of these (about 200 bytes each) copies them over.
    let mut built = Vec::with_capacity(desktops.len());
    for input in desktops {
        let computer_name = PeriodicDesktopComputerName::try_from(input.computer_name.as_str())?;
        built.push(
            types::PeriodicDesktop::builder()
                .user_name(input.user_name.as_str())
                .user_email(Some(input.user_email.clone()))
                .user_group(Some(DesktopUserGroup::Users))
                .computer_name(Some(computer_name))
                .try_into()?,
        );
    }
    let root_volume: types::PeriodicSystemVolume = types::PeriodicSystemVolume::builder()
        .type_(DiskTypeV2::SAS)
        .size(BoundedInteger::new(80)?)
        .try_into()?;
    let data_volume: types::PeriodicDataVolume = types::PeriodicDataVolume::builder()
        .type_(DiskTypeV2::SSD)
        .size(BoundedInteger::new(100)?)
        .try_into()?;
    let tag: types::Tag = types::Tag::builder()
        .key("cost-center")
        .value(Some("engineering".parse()?))
        .try_into()?;
    let create_desktops: types::PeriodicCreateDesktopReq =
        types::PeriodicCreateDesktopReq::builder()
            .desktop_type(DesktopType::Dedicated)
            .desktops(Some(BoundedVec::new(built)?))
            .product_id(PRODUCT_ID)
            .image_type(DesktopImageType::GOLD)
            .image_id(IMAGE_ID)
            .root_volume(root_volume)
            .data_volumes(vec![data_volume])
            .nics(vec![DesktopNic {
                subnet_id: SUBNET_ID.to_owned(),
            }])
            .email_notification(Some(false))
            .tags(vec![tag])
            .try_into()?;
    let resource: types::PeriodicResource = types::PeriodicResource::builder()
        .period_type(Some(SubscriptionPeriodType::try_from(2)?))
        .period_num(Some(1))
        .create_desktops(Some(create_desktops))
        .try_into()?;
    Ok(types::PeriodicOrderRequest::builder()
        .type_(PeriodicOrderRequestType::CREATE_DESKTOPS)
        .enterprise_project_id(Some("0".to_owned()))
        .resources(vec![resource])
        .try_into()?)
}

/// The same order as an untyped `serde_json::Value`, nothing checked: what a caller
/// without the typed client would build. Callers compare its bytes with the typed
/// order's so that both describe the same request.
pub fn desktop_order_value(desktops: &[DesktopInput]) -> serde_json::Value {
    let desktops: Vec<serde_json::Value> = desktops
        .iter()
        .map(|input| {
            json!({
                "computer_name": input.computer_name,
                "user_email": input.user_email,
                "user_group": "users",
                "user_name": input.user_name,
            })
        })
        .collect();
    json!({
        "enterprise_project_id": "0",
        "resources": [{
            "create_desktops": {
                "data_volumes": [{ "size": 100, "type": "SSD" }],
                "desktop_type": "DEDICATED",
                "desktops": desktops,
                "email_notification": false,
                "image_id": IMAGE_ID,
                "image_type": "gold",
                "nics": [{ "subnet_id": SUBNET_ID }],
                "product_id": PRODUCT_ID,
                "root_volume": { "size": 80, "type": "SAS" },
                "tags": [{ "key": "cost-center", "value": "engineering" }],
            },
            "period_num": 1,
            "period_type": 2,
        }],
        "type": "createDesktops",
    })
}
