//! QR codes drawn on the server: a member card's address, a gift card's code.

use qrcode::QrCode;
use qrcode::render::svg;

use crate::model::error::AppError;

/// The QR code of `text` as an SVG element, sized by the page's styles.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = QrCode::new(text.as_bytes()).map_err(|error| {
        tracing::error!(%error, "a QR code could not be made");
        AppError::Internal
    })?;
    let document = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inside an HTML page the XML declaration is noise; the `<svg>` element is what is shown.
    Ok(match document.find("<svg") {
        Some(start) => document[start..].to_owned(),
        None => document,
    })
}
