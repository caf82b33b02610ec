//! TypeScript declarations for every type that crosses into the webview, generated from the Rust
//! types with ts-rs. The generated file is committed (`ui/src/generated/bindings.ts`); the test
//! below fails when it drifts, and `UPDATE_BINDINGS=1 cargo test -p invite-desk-engine bindings`
//! rewrites it.

use ts_rs::{Config, TS};

/// Where the committed declarations live, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/generated/bindings.ts";

fn declare<T: TS>(cfg: &Config, out: &mut String) {
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}

/// How Rust types are spelled in TypeScript: the shell's generated commands use it too.
pub fn ts_config() -> Config {
    // Counts and sizes never exceed 2^53, so plain `number` is exact and easier on the UI than bigint.
    Config::new().with_large_int("number")
}

/// The whole generated file.
pub fn typescript() -> String {
    let cfg = ts_config();
    let mut out = String::from(
        "// Generated from the Rust types by crates/engine/src/bindings.rs. Do not edit by hand:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p invite-desk-engine bindings` after changing them.\n\n",
    );
    declare::<crate::error::ErrorCode>(&cfg, &mut out);
    declare::<crate::error::AppError>(&cfg, &mut out);
    declare::<crate::error::Unsettled>(&cfg, &mut out);
    declare::<crate::error::PersonErrorCode>(&cfg, &mut out);
    declare::<crate::about::AppInfo>(&cfg, &mut out);
    declare::<crate::secrets::SecretKind>(&cfg, &mut out);
    {
        use crate::template::*;
        declare::<DateFormat>(&cfg, &mut out);
        declare::<MessageSettings>(&cfg, &mut out);
        declare::<TemplateSet>(&cfg, &mut out);
        declare::<MessageKind>(&cfg, &mut out);
        declare::<LinkKind>(&cfg, &mut out);
        declare::<Wording>(&cfg, &mut out);
        declare::<Logo>(&cfg, &mut out);
        declare::<Style>(&cfg, &mut out);
        declare::<Variant>(&cfg, &mut out);
        declare::<Template>(&cfg, &mut out);
        declare::<TemplateFile>(&cfg, &mut out);
    }
    {
        use crate::roster::*;
        declare::<ColumnRole>(&cfg, &mut out);
        declare::<MappingOverride>(&cfg, &mut out);
        declare::<ReadOptions>(&cfg, &mut out);
        declare::<SourceFormat>(&cfg, &mut out);
        declare::<ColumnInfo>(&cfg, &mut out);
        declare::<SourceInfo>(&cfg, &mut out);
        declare::<Summary>(&cfg, &mut out);
        declare::<Severity>(&cfg, &mut out);
        declare::<Problem>(&cfg, &mut out);
        declare::<Person>(&cfg, &mut out);
        declare::<RosterReport>(&cfg, &mut out);
        declare::<ListText>(&cfg, &mut out);
        declare::<edit::EditableRow>(&cfg, &mut out);
    }
    {
        use crate::batch::*;
        declare::<InviteMode>(&cfg, &mut out);
        declare::<ExistingPolicy>(&cfg, &mut out);
        declare::<Delivery>(&cfg, &mut out);
        declare::<InvitationSettings>(&cfg, &mut out);
        declare::<BatchPurpose>(&cfg, &mut out);
        declare::<FollowUpSettings>(&cfg, &mut out);
        declare::<BatchFile>(&cfg, &mut out);
        declare::<PlannedStep>(&cfg, &mut out);
        declare::<PersonPlan>(&cfg, &mut out);
        declare::<crate::run::strategy::LookupStrategy>(&cfg, &mut out);
        declare::<crate::run::strategy::BucketLoad>(&cfg, &mut out);
        declare::<crate::run::strategy::RateEstimate>(&cfg, &mut out);
        declare::<Plan>(&cfg, &mut out);
    }
    {
        use crate::journal::*;
        declare::<PersonState>(&cfg, &mut out);
        declare::<Step>(&cfg, &mut out);
        declare::<PersonRecord>(&cfg, &mut out);
        declare::<BatchStatus>(&cfg, &mut out);
        declare::<CheckedCounts>(&cfg, &mut out);
        declare::<BatchSummary>(&cfg, &mut out);
        declare::<PersonHistory>(&cfg, &mut out);
    }
    {
        use crate::run::events::*;
        use crate::run::results::*;
        declare::<ResultStatus>(&cfg, &mut out);
        declare::<PersonResult>(&cfg, &mut out);
        declare::<Progress>(&cfg, &mut out);
        declare::<crate::run::RunStatus>(&cfg, &mut out);
        declare::<Creation>(&cfg, &mut out);
        declare::<RunEvent>(&cfg, &mut out);
    }
    {
        use crate::followup::*;
        declare::<FollowUpStatus>(&cfg, &mut out);
        declare::<FollowUpSource>(&cfg, &mut out);
        declare::<PersonFollowUp>(&cfg, &mut out);
        declare::<FollowUpCounts>(&cfg, &mut out);
        declare::<FollowUpKind>(&cfg, &mut out);
        declare::<DeliveredAs>(&cfg, &mut out);
        declare::<FollowUpAction>(&cfg, &mut out);
        declare::<cadence::Due>(&cfg, &mut out);
        declare::<FollowUpReport>(&cfg, &mut out);
        declare::<crate::service::DueBatch>(&cfg, &mut out);
    }
    {
        declare::<crate::profiles::Profile>(&cfg, &mut out);
        use crate::support::*;
        declare::<TenantAccount>(&cfg, &mut out);
        declare::<Lookup>(&cfg, &mut out);
    }
    {
        use crate::service::*;
        declare::<PlanOption>(&cfg, &mut out);
        declare::<PlanChoice>(&cfg, &mut out);
        declare::<ProfileView>(&cfg, &mut out);
        declare::<NewSecrets>(&cfg, &mut out);
        declare::<ConnectionSummary>(&cfg, &mut out);
        declare::<NamedItem>(&cfg, &mut out);
        declare::<OptionalScope>(&cfg, &mut out);
        declare::<Readiness>(&cfg, &mut out);
        declare::<TenantReport>(&cfg, &mut out);
        declare::<Draft>(&cfg, &mut out);
        declare::<TypedFields>(&cfg, &mut out);
        declare::<DraftSummary>(&cfg, &mut out);
        declare::<PreviewMessage>(&cfg, &mut out);
        declare::<SavedTemplate>(&cfg, &mut out);
        declare::<DroppedList>(&cfg, &mut out);
        declare::<Settings>(&cfg, &mut out);
        declare::<DeliveryDefault>(&cfg, &mut out);
        declare::<DestinationKind>(&cfg, &mut out);
        declare::<Destination>(&cfg, &mut out);
        declare::<Destinations>(&cfg, &mut out);
        declare::<Folder>(&cfg, &mut out);
        declare::<Delivered>(&cfg, &mut out);
        declare::<RunSummary>(&cfg, &mut out);
        {
            use crate::run::preflight::*;
            declare::<CheckItem>(&cfg, &mut out);
            declare::<CheckStatus>(&cfg, &mut out);
            declare::<Check>(&cfg, &mut out);
            declare::<Preflight>(&cfg, &mut out);
        }
        declare::<RunAction>(&cfg, &mut out);
        declare::<RetryChoice>(&cfg, &mut out);
        declare::<LinkCopy>(&cfg, &mut out);
    }
    // The rules the screens need, from the Rust that decides them (never a copy in the UI).
    let quoted = |names: Vec<&str>| {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "/** The states after which nothing more happens to a person in a batch. */\n\
         export const FINAL_STATES: readonly PersonState[] = [{}];\n\n",
        quoted(
            crate::journal::PersonState::ALL
                .iter()
                .filter(|s| s.is_final())
                .map(|s| s.as_str())
                .collect()
        )
    ));
    out.push_str(&format!(
        "/** The batch statuses `resume` continues. */\n\
         export const RESUMABLE_STATUSES: readonly BatchStatus[] = [{}];\n\n",
        quoted(
            crate::journal::BatchStatus::ALL
                .iter()
                .filter(|s| s.is_resumable())
                .map(|s| s.as_str())
                .collect()
        )
    ));
    // The words a person's state reads as, the same in the CLI, History and the exports.
    let words = |pairs: Vec<(String, &str)>| {
        pairs
            .iter()
            .map(|(k, v)| format!("  {k}: {v:?},\n"))
            .collect::<String>()
    };
    out.push_str(&format!(
        "/** What a person's state says happened (`delivered`: see DELIVERED_WORDS). */\n\
         export const STATE_WORDS: Readonly<Record<PersonState, string>> = {{\n{}}};\n\n",
        words(
            crate::journal::PersonState::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), s.words(None)))
                .collect()
        )
    ));
    out.push_str(&format!(
        "/** What \"delivered\" was, by the batch's delivery: only `sent` left the machine. */\n\
         export const DELIVERED_WORDS: Readonly<Record<DeliveredAs, string>> = {{\n{}}};\n\n",
        words(
            crate::journal::DeliveredAs::ALL
                .iter()
                .map(|d| {
                    let key = serde_json::to_value(d).expect("a unit variant serializes");
                    (key.as_str().unwrap_or_default().to_owned(), d.words())
                })
                .collect()
        )
    ));
    let codes: Vec<String> = crate::ErrorCode::ALL
        .iter()
        .map(|c| format!("{:?}", c.as_str()))
        .collect();
    out.push_str(&format!(
        "/** Every error code, in the order Rust declares them. */\n\
         export const ERROR_CODES: readonly ErrorCode[] = [{}];\n\n",
        codes.join(", ")
    ));
    out.push_str(&format!(
        "/** The URI scheme of the preview frame's pages (served by the desktop shell). */\n\
         export const PREVIEW_SCHEME = {:?};\n",
        crate::service::PREVIEW_SCHEME
    ));
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// strum's spelling of each enum (logs, CLI text, the journal's columns) is serde's (the wire).
    fn strum_spells_as_serde<T>(values: impl IntoIterator<Item = T>)
    where
        T: serde::Serialize + Copy + Into<&'static str>,
    {
        for value in values {
            let wire = serde_json::to_value(value).unwrap();
            let text: &'static str = value.into();
            assert_eq!(wire, serde_json::Value::String(text.to_owned()));
        }
    }

    #[test]
    fn enum_strings_are_the_wire_strings() {
        use strum::VariantArray;
        strum_spells_as_serde(crate::journal::PersonState::ALL.iter().copied());
        strum_spells_as_serde(crate::journal::BatchStatus::ALL.iter().copied());
        strum_spells_as_serde(crate::secrets::SecretKind::ALL.iter().copied());
        strum_spells_as_serde(crate::journal::Step::VARIANTS.iter().copied());
        strum_spells_as_serde(crate::batch::PlannedStep::VARIANTS.iter().copied());
        strum_spells_as_serde(crate::run::preflight::CheckItem::VARIANTS.iter().copied());
        strum_spells_as_serde(crate::run::results::ResultStatus::VARIANTS.iter().copied());
    }

    #[test]
    fn bindings_match_the_committed_file() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(super::BINDINGS_PATH);
        let expected = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &expected).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is out of date with the Rust types: run \
             `UPDATE_BINDINGS=1 cargo test -p invite-desk-engine bindings` and commit the result",
            path.display()
        );
    }
}
