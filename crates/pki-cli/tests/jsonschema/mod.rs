//! A small JSON Schema checker for the subset docs/pki-json-v1.schema.json uses: `type` (one or
//! a list), `const`, `enum`, `required`, `properties`, `additionalProperties: false`, `items`,
//! `minimum`, `pattern` (only `^...$` of character classes, see [`pattern`]), `oneOf` and
//! local `$ref`s. Anything else in the schema is an error, so the schema cannot silently use a
//! keyword this checker ignores.

#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;

/// The project's schema.
pub fn schema() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/pki-json-v1.schema.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Checks `doc` against `schema`; the errors, each with its JSON path.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "$", &mut errors);
    errors
}

const KNOWN: &[&str] = &[
    "$schema",
    "title",
    "description",
    "$defs",
    "type",
    "const",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minimum",
    "pattern",
    "oneOf",
    "$ref",
];

fn check(root: &Value, s: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = s.as_object() else {
        errors.push(format!("{path}: schema is not an object"));
        return;
    };
    for k in obj.keys() {
        assert!(
            KNOWN.contains(&k.as_str()),
            "schema keyword {k} is not supported by the checker"
        );
    }
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        let target = &root["$defs"][name];
        assert!(!target.is_null(), "unknown $ref {r}");
        check(root, target, v, path, errors);
    }
    if let Some(t) = obj.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type in schema"),
        };
        if !types.iter().any(|t| type_matches(t, v)) {
            errors.push(format!("{path}: expected {types:?}, got {v}"));
            return;
        }
    }
    if let Some(c) = obj.get("const")
        && c != v
    {
        errors.push(format!("{path}: expected {c}, got {v}"));
    }
    if let Some(Value::Array(options)) = obj.get("enum")
        && !options.contains(v)
    {
        errors.push(format!("{path}: {v} is not one of {options:?}"));
    }
    if let (Some(min), Some(n)) = (obj.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < min
    {
        errors.push(format!("{path}: {n} is less than {min}"));
    }
    if let (Some(p), Some(s)) = (obj.get("pattern").and_then(Value::as_str), v.as_str())
        && !pattern(p, s)
    {
        errors.push(format!("{path}: {s:?} does not match {p}"));
    }
    if let Some(Value::Array(options)) = obj.get("oneOf") {
        let passing = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                check(root, o, v, path, &mut e);
                e.is_empty()
            })
            .count();
        if passing != 1 {
            errors.push(format!(
                "{path}: {passing} of oneOf's {} branches match",
                options.len()
            ));
        }
    }
    if let Some(map) = v.as_object() {
        if let Some(Value::Array(req)) = obj.get("required") {
            for r in req.iter().filter_map(Value::as_str) {
                if !map.contains_key(r) {
                    errors.push(format!("{path}: missing required {r}"));
                }
            }
        }
        let props = obj.get("properties").and_then(Value::as_object);
        for (k, val) in map {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(root, ps, val, &format!("{path}.{k}"), errors),
                None if obj.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: unexpected property {k}"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (obj.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            check(root, items, item, &format!("{path}[{i}]"), errors);
        }
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => panic!("unknown type {t}"),
    }
}

/// The patterns the schema uses: `^` then a sequence of atoms then `$`, where an atom is an
/// optional literal `-` (`-?`), or a character class `[...]` with `*`, `+` or `{0,2}`.
fn pattern(p: &str, s: &str) -> bool {
    let body = p
        .strip_prefix('^')
        .and_then(|b| b.strip_suffix('$'))
        .unwrap_or_else(|| panic!("pattern {p} must be anchored"));
    let mut atoms: Vec<Atom> = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (class, after): (Box<dyn Fn(char) -> bool>, &str) =
            if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').expect("closed class");
                let set = class_set(&r[..end]);
                (Box::new(move |c| set.contains(&c)), &r[end + 1..])
            } else {
                let c = rest.chars().next().expect("char");
                (Box::new(move |x| x == c), &rest[c.len_utf8()..])
            };
        let (min, max, after) = if let Some(a) = after.strip_prefix('*') {
            (0, usize::MAX, a)
        } else if let Some(a) = after.strip_prefix('+') {
            (1, usize::MAX, a)
        } else if let Some(a) = after.strip_prefix('?') {
            (0, 1, a)
        } else if let Some(a) = after.strip_prefix("{0,2}") {
            (0, 2, a)
        } else {
            (1, 1, after)
        };
        atoms.push((class, min, max));
        rest = after;
    }
    matches(&atoms, &s.chars().collect::<Vec<_>>())
}

type Atom = (Box<dyn Fn(char) -> bool>, usize, usize);

fn matches(atoms: &[Atom], s: &[char]) -> bool {
    let Some(((f, min, max), rest)) = atoms.split_first() else {
        return s.is_empty();
    };
    let mut n = 0;
    loop {
        if n >= *min && matches(rest, &s[n..]) {
            return true;
        }
        if n == *max || n >= s.len() || !f(s[n]) {
            return false;
        }
        n += 1;
    }
}

fn class_set(spec: &str) -> Vec<char> {
    let chars: Vec<char> = spec.chars().collect();
    let mut set = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            set.extend(chars[i]..=chars[i + 2]);
            i += 3;
        } else {
            set.push(chars[i]);
            i += 1;
        }
    }
    set
}

#[test]
fn the_checker_rejects_what_it_should() {
    let s = schema();
    assert!(pattern("^-?[0-9a-f]*$", "-0a"));
    assert!(!pattern("^-?[0-9a-f]*$", "0A"));
    assert!(pattern("^[A-Za-z0-9+/]*={0,2}$", "AwIFoA=="));
    assert!(!pattern("^[A-Za-z0-9+/]*={0,2}$", "AwIFoA==="));
    let bad = serde_json::json!({"schema": "pki.show.v1", "file": "x", "index": 0, "object": {}});
    assert!(!validate(&s, &bad).is_empty());
    let err = serde_json::json!({"schema": "pki.show.v1", "file": "x", "error": "e"});
    assert_eq!(validate(&s, &err), Vec::<String>::new());
}
