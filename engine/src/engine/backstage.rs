//! The filters Backstage's scaffolder adds (`parseRepoUrl`, `parseEntityRef`, `pick`,
//! `projectSlug`), written here with the behaviour and error texts of scaffolder-backend 4.3.0
//! (`lib/templating/filters/*`, scaffolder-node's `parseRepoUrl`, catalog-model's
//! `parseEntityRef`, lodash's `get`).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{json, Map, Value as Json};

use super::eval::{Extensions, HostFunction};

/// SCM integration hosts and their types (`github`, `gitlab`, `bitbucketCloud`, `azure`, …).
/// Backstage's defaults when a host is not configured: the four public hosts.
pub fn default_integrations() -> BTreeMap<String, String> {
    [
        ("github.com", "github"),
        ("gitlab.com", "gitlab"),
        ("bitbucket.org", "bitbucketCloud"),
        ("dev.azure.com", "azure"),
    ]
    .into_iter()
    .map(|(h, t)| (h.to_string(), t.to_string()))
    .collect()
}

/// Extensions with Backstage's four filters (for the given integrations) and the workflow
/// runner's `always()`/`failure()` globals.
pub fn extensions(integrations: BTreeMap<String, String>) -> Extensions {
    let integrations = Rc::new(integrations);
    let mut extensions = Extensions::default();
    let hosts = integrations.clone();
    let parse: HostFunction = Rc::new(move |args| parse_repo_url(&text_arg(args), &hosts).map(Some));
    let hosts = integrations;
    let slug: HostFunction = Rc::new(move |args| {
        let parsed = parse_repo_url(&text_arg(args), &hosts)?;
        let part = |k: &str| parsed.get(k).and_then(Json::as_str).unwrap_or("undefined").to_string();
        Ok(Some(Json::String(format!("{}/{}", part("owner"), part("repo")))))
    });
    let entity: HostFunction =
        Rc::new(|args| parse_entity_ref(args.first().unwrap_or(&Json::Null), args.get(1)).map(Some));
    let pick: HostFunction = Rc::new(|args| {
        let path = args.get(1).map(crate::jsfmt::value).unwrap_or_default();
        Ok(lodash_get(args.first().unwrap_or(&Json::Null), &path).cloned())
    });
    // The workflow runner's globals: `always()` is true; `failure()` says whether an earlier step
    // failed, which a caller that runs steps passes in (default: none failed).
    let always: HostFunction = Rc::new(|_| Ok(Some(Json::Bool(true))));
    let failure: HostFunction = Rc::new(|_| Ok(Some(Json::Bool(false))));
    extensions.functions.insert("always".into(), always);
    extensions.functions.insert("failure".into(), failure);
    extensions.filters.insert("parseRepoUrl".into(), parse);
    extensions.filters.insert("projectSlug".into(), slug);
    extensions.filters.insert("parseEntityRef".into(), entity);
    extensions.filters.insert("pick".into(), pick);
    extensions
}

fn text_arg(args: &[Json]) -> String {
    match args.first() {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => "undefined".into(),
        Some(other) => crate::jsfmt::value(other),
    }
}

/// `parseRepoUrl`: `host?owner=…&repo=…` into its parts, checked against the integrations.
pub(crate) fn parse_repo_url(url: &str, integrations: &BTreeMap<String, String>) -> Result<Json, String> {
    let (authority, query) = match url.find(['?', '#']) {
        Some(i) if url.as_bytes()[i] == b'?' => {
            let rest = &url[i + 1..];
            (&url[..i], rest.split('#').next().unwrap_or(""))
        }
        Some(i) => (&url[..i], ""),
        None => (url, ""),
    };
    let host_part = authority.split('/').next().unwrap_or("");
    let host_part = host_part.rsplit('@').next().unwrap_or("");
    if host_part.is_empty() || host_part.contains(|c: char| c.is_whitespace() || "<>\\^|".contains(c)) {
        return Err(format!("Invalid repo URL passed to publisher, got {url}, TypeError: Invalid URL"));
    }
    let host = host_part.strip_suffix(":443").unwrap_or(host_part).to_lowercase();
    let Some(kind) = integrations.get(&host) else {
        return Err(format!(
            "No matching integration configuration for host {host}, please check your integrations config"
        ));
    };
    let params = search_params(query);
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let required: &[&str] = match kind.as_str() {
        "bitbucketCloud" => &["workspace", "project", "repo"],
        "bitbucketServer" | "azure" => &["project", "repo"],
        "gitlab" if get("project").is_some_and(|p| !p.trim_matches('/').is_empty() || !p.is_empty()) => &[],
        "gitlab" => &["owner", "repo"],
        "gitea" | "gerrit" => &["repo"],
        _ => &["repo", "owner"],
    };
    for name in required {
        if get(name).is_none_or(str::is_empty) {
            let query = if query.is_empty() { String::new() } else { format!("?{query}") };
            return Err(format!("Invalid repo URL passed to publisher: https://{host_part}/{query}, missing {name}"));
        }
    }
    let mut out = Map::new();
    out.insert("host".into(), json!(host_part.to_lowercase()));
    for name in ["owner", "repo", "organization", "workspace", "project"] {
        if let Some(v) = get(name) {
            out.insert(name.into(), json!(v.trim_matches('/')));
        }
    }
    Ok(Json::Object(out))
}

/// `URLSearchParams`: `a=1&b=x+y` with percent-decoding.
fn search_params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// catalog-model's `parseEntityRef(ref, {defaultKind, defaultNamespace})`.
pub(crate) fn parse_entity_ref(reference: &Json, context: Option<&Json>) -> Result<Json, String> {
    let option = |name: &str| context.and_then(|c| c.get(name)).and_then(Json::as_str).filter(|s| !s.is_empty());
    let empty = match reference {
        Json::Null | Json::Bool(false) => true,
        Json::String(s) => s.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    if empty {
        return Err("Entity reference must not be empty".into());
    }
    let default_namespace = option("defaultNamespace").unwrap_or("default");
    let (kind, namespace, name) = match reference {
        Json::String(text) => {
            let slash = text.find('/');
            let colon = text.find(':').filter(|c| slash.is_none_or(|s| s >= *c));
            let kind = colon.map(|c| &text[..c]);
            let namespace = slash.map(|s| &text[colon.map_or(0, |c| c + 1)..s]);
            let name = &text[colon.map_or(0, |c| c + 1).max(slash.map_or(0, |s| s + 1))..];
            if kind == Some("") || namespace == Some("") || name.is_empty() {
                return Err(format!("Entity reference \"{text}\" was not on the form [<kind>:][<namespace>/]<name>"));
            }
            (
                kind.map(str::to_string).or(option("defaultKind").map(str::to_string)),
                Some(namespace.unwrap_or(default_namespace).to_string()),
                Some(name.to_string()),
            )
        }
        Json::Object(map) => {
            let field = |k: &str| map.get(k).filter(|v| !v.is_null()).map(crate::jsfmt::value);
            (
                field("kind").or(option("defaultKind").map(str::to_string)),
                field("namespace").or(Some(default_namespace.to_string())),
                field("name"),
            )
        }
        _ => (option("defaultKind").map(str::to_string), Some(default_namespace.to_string()), None),
    };
    let textual = serde_json::to_string(reference).unwrap_or_default();
    let Some(kind) = kind.filter(|k| !k.is_empty()) else {
        return Err(format!(
            "Entity reference {textual} had missing or empty kind (e.g. did not start with \"component:\" or similar)"
        ));
    };
    let Some(namespace) = namespace.filter(|n| !n.is_empty()) else {
        return Err(format!("Entity reference {textual} had missing or empty namespace"));
    };
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err(format!("Entity reference {textual} had missing or empty name"));
    };
    Ok(json!({ "kind": kind, "namespace": namespace, "name": name }))
}

/// lodash `get(object, path)`: `a.b[0].c`, `a['b']`.
pub(crate) fn lodash_get<'a>(object: &'a Json, path: &str) -> Option<&'a Json> {
    let mut current = object;
    for key in path_keys(path) {
        current = match current {
            Json::Object(map) => map.get(&key)?,
            Json::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn path_keys(path: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => keys.push(std::mem::take(&mut current)),
            '[' => {
                if !current.is_empty() {
                    keys.push(std::mem::take(&mut current));
                }
                let quote = chars.peek().copied().filter(|q| *q == '"' || *q == '\'');
                if quote.is_some() {
                    chars.next();
                }
                let mut key = String::new();
                for k in chars.by_ref() {
                    if Some(k) == quote || (quote.is_none() && k == ']') {
                        break;
                    }
                    key.push(k);
                }
                if quote.is_some() {
                    for k in chars.by_ref() {
                        if k == ']' {
                            break;
                        }
                    }
                }
                keys.push(key);
                if chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() || keys.is_empty() {
        keys.push(current);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_urls_parse_like_backstage() {
        let hosts = default_integrations();
        assert_eq!(
            parse_repo_url("github.com?repo=backstage&owner=backstage", &hosts).unwrap(),
            json!({"host": "github.com", "owner": "backstage", "repo": "backstage"})
        );
        assert!(parse_repo_url("github.com?repo=x", &hosts).unwrap_err().ends_with("missing owner"));
        assert!(parse_repo_url("example.com?repo=x&owner=y", &hosts)
            .unwrap_err()
            .starts_with("No matching integration"));
        assert_eq!(parse_repo_url("gitlab.com?project=42", &hosts).unwrap()["project"], json!("42"));
    }

    #[test]
    fn entity_refs_parse_like_the_catalog() {
        assert_eq!(
            parse_entity_ref(&json!("group:techdocs"), None).unwrap(),
            json!({"kind": "group", "namespace": "default", "name": "techdocs"})
        );
        assert_eq!(
            parse_entity_ref(&json!("techdocs"), Some(&json!({"defaultKind": "user"}))).unwrap()["kind"],
            json!("user")
        );
        assert!(parse_entity_ref(&json!("techdocs"), None).unwrap_err().contains("missing or empty kind"));
        assert!(parse_entity_ref(&json!("a:/b"), None).is_err());
    }

    #[test]
    fn query_values_are_percent_decoded_without_splitting_characters() {
        let hosts = default_integrations();
        let parsed = parse_repo_url("github.com?owner=a%20b&repo=%aé+x%", &hosts).unwrap();
        assert_eq!(parsed["owner"], json!("a b"));
        assert_eq!(parsed["repo"], json!("%aé x%"));
    }

    #[test]
    fn pick_follows_lodash_paths() {
        let data = json!({"a": {"b": [{"c": 1}]}});
        assert_eq!(lodash_get(&data, "a.b[0].c"), Some(&json!(1)));
        assert_eq!(lodash_get(&data, "a['b'][0]"), Some(&json!({"c": 1})));
        assert_eq!(lodash_get(&data, "a.x"), None);
    }
}
