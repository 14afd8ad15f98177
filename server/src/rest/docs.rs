//! `/api/v1/docs`: the OpenAPI document as a page to read, written on the server from the same
//! document as `openapi.json`. No script and nothing from another site, so it passes the app's
//! content security policy and works on a shop's closed network.

use std::fmt::Write;

use axum::response::Html;
use serde_json::Value;
use utoipa::OpenApi;

use super::ApiDoc;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub async fn page() -> Html<String> {
    let document = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    Html(render(&document))
}

fn render(document: &Value) -> String {
    let text = |value: &Value| escape(value.as_str().unwrap_or_default());
    let info = &document["info"];
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main>\
         <h1>{title} <small>v{version}</small></h1><p>{description}</p>\
         <p><a href=\"/api/v1/openapi.json\">openapi.json</a> (OpenAPI {openapi})</p>",
        title = text(&info["title"]),
        version = text(&info["version"]),
        description = text(&info["description"]),
        openapi = text(&document["openapi"]),
    );
    html.push_str("<h2>Operations</h2>");
    if let Some(paths) = document["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    operation_section(&mut html, method, path, operation);
                }
            }
        }
    }
    html.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = document["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            schema_section(&mut html, name, schema);
        }
    }
    html.push_str("</main></body></html>");
    html
}

fn operation_section(html: &mut String, method: &str, path: &str, operation: &Value) {
    let _ = write!(
        html,
        "<section><h3><code>{} {}</code></h3><p>{}</p>",
        method.to_uppercase(),
        escape(path),
        escape(operation["summary"].as_str().unwrap_or_default()),
    );
    if let Some(description) = operation["description"].as_str() {
        let _ = write!(html, "<p>{}</p>", escape(description));
    }
    if let Some(parameters) = operation["parameters"].as_array() {
        html.push_str("<table><caption>Parameters</caption><tr><th>name</th><th>in</th><th>required</th><th>description</th></tr>");
        for parameter in parameters {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(parameter["name"].as_str().unwrap_or_default()),
                escape(parameter["in"].as_str().unwrap_or_default()),
                if parameter["required"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                escape(parameter["description"].as_str().unwrap_or_default()),
            );
        }
        html.push_str("</table>");
    }
    if let Some(body) =
        operation["requestBody"]["content"]["application/json"]["schema"].as_object()
    {
        let _ = write!(
            html,
            "<p>Body (JSON): <code>{}</code></p>",
            escape(&schema_name(&Value::Object(body.clone())))
        );
    }
    if let Some(responses) = operation["responses"].as_object() {
        html.push_str("<ul>");
        for (status, response) in responses {
            let schema = &response["content"]["application/json"]["schema"];
            let _ = write!(
                html,
                "<li><strong>{}</strong> {}{}</li>",
                escape(status),
                escape(response["description"].as_str().unwrap_or_default()),
                if schema.is_null() {
                    String::new()
                } else {
                    format!(" → <code>{}</code>", escape(&schema_name(schema)))
                },
            );
        }
        html.push_str("</ul>");
    }
    html.push_str("</section>");
}

fn schema_section(html: &mut String, name: &str, schema: &Value) {
    let _ = write!(
        html,
        "<section><h3 id=\"{0}\"><code>{0}</code></h3>",
        escape(name)
    );
    if let Some(description) = schema["description"].as_str() {
        let _ = write!(html, "<p>{}</p>", escape(description));
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema["properties"].as_object() {
        html.push_str(
            "<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>",
        );
        for (field, property) in properties {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(field),
                escape(&schema_name(property)),
                if required.contains(&field.as_str()) {
                    "yes"
                } else {
                    "no"
                },
                escape(property["description"].as_str().unwrap_or_default()),
            );
        }
        html.push_str("</table>");
    }
    html.push_str("</section>");
}

/// A schema in a few words: `ApiClient`, `array of ApiEarnedReward`, `integer | null`.
fn schema_name(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        return choices
            .iter()
            .map(schema_name)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".to_owned(),
    };
    match (
        kind.as_str(),
        schema.get("items"),
        schema["format"].as_str(),
    ) {
        ("array", Some(items), _) => format!("array of {}", schema_name(items)),
        (_, _, Some(format)) => format!("{kind} ({format})"),
        _ => kind,
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_every_operation_and_schema_escaped() {
        let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let html = render(&document);
        assert!(html.contains("<code>POST /api/v1/clients/{client_id}/purchases</code>"));
        assert!(html.contains("<code>GET /api/v1/clients</code>"));
        assert!(html.contains("id=\"ApiTransaction\""));
        assert!(!html.contains("<script"));
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
