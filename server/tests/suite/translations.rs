//! The translations are complete and agree: every namespace declared in `app/Cargo.toml` has a
//! file in each language, both files hold the same keys, no value is empty, both languages' blanks
//! (`{name}`) are the same, no value uses the markup `leptos_i18n` would read as its own, and the
//! domain's fixed words (rule ids, regimes, certificates) are written the same way in both.
//! (`docs/i18n.md` says how translations are written.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LANGUAGES: [&str; 2] = ["fr", "en"];

fn app_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app")
}

/// The namespaces `app/Cargo.toml` declares under `[package.metadata.leptos-i18n]`.
fn namespaces() -> Vec<String> {
    let manifest = std::fs::read_to_string(app_dir().join("Cargo.toml")).unwrap();
    let section = manifest
        .split("[package.metadata.leptos-i18n]")
        .nth(1)
        .expect("app/Cargo.toml declares the translations");
    let line = section
        .lines()
        .find(|l| l.trim_start().starts_with("namespaces"))
        .expect("the namespaces are listed");
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

type Entries = BTreeMap<String, String>;

/// One file's keys and values; nested objects are flattened to `a.b`.
fn read(language: &str, namespace: &str) -> Entries {
    let path = app_dir().join(format!("locales/{language}/{namespace}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let mut out = Entries::new();
    flatten("", &value, &mut out, &path);
    out
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Entries, path: &Path) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out, path);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => panic!("{}: `{prefix}` is {other}, not a sentence", path.display()),
    }
}

/// The names of a value's blanks, `{name}`.
fn blanks(value: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                names.insert(after[..close].to_owned());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}

/// Every problem with the translations, one line each.
fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    for namespace in namespaces() {
        let fr = read("fr", &namespace);
        let en = read("en", &namespace);
        for (language, mine, other) in [("fr", &fr, &en), ("en", &en, &fr)] {
            for key in mine.keys().filter(|k| !other.contains_key(*k)) {
                let missing = if language == "fr" { "en" } else { "fr" };
                problems.push(format!(
                    "{namespace}.{key} is in {language} but not in {missing}"
                ));
            }
        }
        for (key, fr_value) in &fr {
            for (language, value) in [("fr", Some(fr_value)), ("en", en.get(key))] {
                let Some(value) = value else { continue };
                if value.trim().is_empty() {
                    problems.push(format!("{namespace}.{key} is empty in {language}"));
                }
                if value.contains("{{") || value.contains('<') || value.contains('>') {
                    problems.push(format!(
                        "{namespace}.{key} in {language} uses `{{{{`, `<` or `>`, which leptos_i18n reads as markup"
                    ));
                }
            }
            if let Some(en_value) = en.get(key) {
                if blanks(fr_value) != blanks(en_value) {
                    problems.push(format!(
                        "{namespace}.{key}: the blanks differ (fr {:?}, en {:?})",
                        blanks(fr_value),
                        blanks(en_value)
                    ));
                }
                for word in FIXED_WORDS {
                    if mentions(fr_value, word) != mentions(en_value, word) {
                        problems.push(format!(
                            "{namespace}.{key}: `{word}` is in one language only (fr {fr_value:?}, en {en_value:?})"
                        ));
                    }
                }
                for (english, french) in GLOSSARY {
                    if contains_word(en_value, english) && !contains_word(fr_value, french) {
                        problems.push(format!(
                            "{namespace}.{key}: the English says {english}, the French should say {french} ({fr_value:?})"
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// Words written the same way in both languages: rule ids and the names of regimes and
/// certificates. A sentence naming one in a language names it in the other.
const FIXED_WORDS: [&str; 17] = [
    "G1",
    "G2",
    "G4",
    "C1",
    "H1",
    "H2",
    "H3",
    "S1",
    "S2",
    "S3",
    "S4",
    "S5",
    "E1",
    "HDS",
    "SecNumCloud",
    "ANSSI",
    "GPU",
];

/// Domain words the glossary (`docs/i18n.md`) fixes: English, then the French that must follow.
const GLOSSARY: [(&str, &str); 2] = [("GDPR", "RGPD"), ("EEA", "EEE")];

/// `word` appears in `text`, alone or in the plural ("GPUs"; French writes "des GPU").
fn mentions(text: &str, word: &str) -> bool {
    contains_word(text, word) || contains_word(text, &format!("{word}s"))
}

/// `word` appears in `text` as a word of its own (not inside a longer one).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn both_languages_hold_the_same_keys_with_the_same_blanks_and_fixed_words() {
    let namespaces = namespaces();
    assert!(namespaces.len() >= 10, "namespaces: {namespaces:?}");
    let keys: usize = namespaces.iter().map(|ns| read("fr", ns).len()).sum();
    let problems = problems();
    println!(
        "translations: {} namespaces, {keys} keys in each of {} languages, {} problems",
        namespaces.len(),
        LANGUAGES.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_a_missing_key_a_different_blank_and_a_dropped_rule_id() {
    let fr: Entries = [
        ("a".to_owned(), "Attendez {wait}".to_owned()),
        ("b".to_owned(), "Règle H2".to_owned()),
    ]
    .into();
    assert_eq!(blanks(&fr["a"]), BTreeSet::from(["wait".to_owned()]));
    assert_ne!(blanks("Wait {seconds}"), blanks(&fr["a"]));
    assert!(contains_word(&fr["b"], "H2"));
    assert!(!contains_word("Rule H22", "H2"));
    assert!(!contains_word("CHDS", "HDS"));
    assert!(contains_word("GDPR: hosted", "GDPR"));
    assert!(mentions("GPUs left", "GPU") && mentions("GPU restants", "GPU"));
}

#[test]
fn every_language_has_a_file_for_every_namespace() {
    for language in LANGUAGES {
        for namespace in namespaces() {
            let path = app_dir().join(format!("locales/{language}/{namespace}.json"));
            assert!(path.exists(), "{} is missing", path.display());
        }
    }
}
