//! The one place a webview command is declared. `webview_commands!` takes every command's definition
//! (context arguments Tauri injects in `[...]`, then the arguments the webview sends) and makes from
//! it: the `#[tauri::command]` functions, the handler that registers them, and, in tests, the
//! committed files generated from the same list: the TypeScript functions that call each command with
//! its exact argument and answer types (`ui/src/generated/commands.ts`) and the main window's
//! capability granting exactly these commands (`src-tauri/capabilities/main-window.json`), which
//! build.rs reads back to declare one permission per command. Adding a command is writing it here and
//! its adapter in `ui/src/platform/ipc.ts`; the test at the end fails until the generated files match.

macro_rules! webview_commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident [$($context:ident : $context_type:ty),* $(,)?]
            ($($arg:ident : $arg_type:ty),* $(,)?) -> $answer:ty
        $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name($($context: $context_type,)* $($arg: $arg_type),*) -> Answer<$answer>
            $body
        )*

        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        #[cfg(test)]
        pub(crate) fn signatures() -> Vec<crate::webview_commands::Signature> {
            #[allow(unused_imports)]
            use crate::webview_commands::{ChannelWire as _, PlainWire as _};
            vec![$(crate::webview_commands::Signature {
                name: stringify!($name),
                docs: vec![$($doc),*],
                args: vec![$((
                    stringify!($arg),
                    (&&crate::webview_commands::Probe::<$arg_type>::new()).wire(),
                )),*],
                answer: (&&crate::webview_commands::Probe::<$answer>::new()).wire(),
            }),*]
        }
    };
}

pub(crate) use webview_commands;

#[cfg(test)]
pub(crate) use generate::*;

#[cfg(test)]
mod generate {
    use std::collections::BTreeSet;
    use std::marker::PhantomData;

    use invite_desk_engine::bindings::ts_config;
    use tauri::ipc::Channel;
    use ts_rs::TS;

    /// One command as the webview sees it.
    pub struct Signature {
        pub name: &'static str,
        pub docs: Vec<&'static str>,
        /// Rust argument name and TypeScript type.
        pub args: Vec<(&'static str, String)>,
        pub answer: String,
    }

    /// Names a Rust type in TypeScript: a `Channel<T>` by what it carries, anything else through
    /// ts-rs (by method resolution order, so the channel case wins where it applies).
    pub struct Probe<T>(PhantomData<T>);

    impl<T> Probe<T> {
        pub fn new() -> Self {
            Probe(PhantomData)
        }
    }

    pub trait ChannelWire {
        fn wire(&self) -> String;
    }

    impl<T: TS> ChannelWire for &Probe<Channel<T>> {
        fn wire(&self) -> String {
            format!("Channel<{}>", T::name(&ts_config()))
        }
    }

    pub trait PlainWire {
        fn wire(&self) -> String;
    }

    impl<T: TS> PlainWire for Probe<T> {
        fn wire(&self) -> String {
            T::name(&ts_config())
        }
    }

    fn camel_case(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in snake.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The generated types a TypeScript type expression refers to (built-ins left out).
    fn referenced_types(expression: &str, into: &mut BTreeSet<String>) {
        const BUILT_IN: [&str; 5] = ["Array", "Record", "Partial", "Channel", "Promise"];
        for word in expression.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            if word.starts_with(|c: char| c.is_ascii_uppercase()) && !BUILT_IN.contains(&word) {
                into.insert(word.to_owned());
            }
        }
    }

    /// `ui/src/generated/commands.ts`: one typed function per command, over the caller's invoke.
    pub fn typescript(signatures: &[Signature]) -> String {
        let mut types = BTreeSet::new();
        let mut functions = String::new();
        for signature in signatures {
            let params: Vec<String> = signature
                .args
                .iter()
                .map(|(name, ts)| format!("{}: {ts}", camel_case(name)))
                .collect();
            let names: Vec<String> = signature.args.iter().map(|(n, _)| camel_case(n)).collect();
            for (_, ts) in &signature.args {
                referenced_types(ts, &mut types);
            }
            referenced_types(&signature.answer, &mut types);
            if !signature.docs.is_empty() {
                functions.push_str("    /**\n");
                for line in &signature.docs {
                    functions.push_str(&format!("     *{}\n", line.trim_end()));
                }
                functions.push_str("     */\n");
            }
            let args = if names.is_empty() {
                String::new()
            } else {
                format!(", {{ {} }}", names.join(", "))
            };
            functions.push_str(&format!(
                "    {}: ({}): Promise<{}> => invoke('{}'{args}),\n",
                camel_case(signature.name),
                params.join(", "),
                signature.answer,
                signature.name,
            ));
        }
        let uses_channel = signatures
            .iter()
            .any(|s| s.args.iter().any(|(_, ts)| ts.starts_with("Channel<")));
        let mut out = String::from(
            "// Generated from src-tauri/src/commands.rs by src-tauri/src/webview_commands.rs. Do not edit by\n\
             // hand: run `UPDATE_BINDINGS=1 cargo test -p invite-desk-app bindings` after changing a command.\n",
        );
        if uses_channel {
            out.push_str("import type { Channel } from '@tauri-apps/api/core';\n");
        }
        out.push_str(&format!(
            "import type {{ {} }} from './bindings';\n\n",
            types.into_iter().collect::<Vec<_>>().join(", ")
        ));
        out.push_str(
            "/** How the functions reach Rust: `invoke`, or a wrapper of it that maps rejections. */\n\
             export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;\n\n\
             /** Every command the webview may call, with the argument and answer types Rust declares. */\n\
             export function webviewCommands(invoke: Invoke) {\n  return {\n",
        );
        out.push_str(&functions);
        out.push_str("  };\n}\n");
        out
    }

    /// The main window's capability: exactly the app's commands, no plugin permission.
    pub fn capability(signatures: &[Signature]) -> String {
        let permissions: Vec<String> = signatures
            .iter()
            .map(|s| format!("allow-{}", s.name.replace('_', "-")))
            .collect();
        let capability = serde_json::json!({
            "$schema": "../../gen/schemas/desktop-schema.json",
            "identifier": "main-window",
            "description": "What the main window may call: the app's own commands and nothing else (no plugin is reachable from the webview; dialogs, the file manager and window state are driven from Rust). Generated from src-tauri/src/commands.rs.",
            "windows": ["main"],
            "permissions": permissions,
        });
        let mut text = serde_json::to_string_pretty(&capability).unwrap_or_default();
        text.push('\n');
        text
    }
}
