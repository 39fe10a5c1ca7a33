//! Text for people, JSON for scripts; colour and progress only on a terminal.

use std::io::{IsTerminal, Write};

use serde_json::Value;

/// The `--output` format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for people.
    Text,
    /// One JSON document on standard output, for scripts.
    Json,
}

/// Where a command writes, and how.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: Format,
    stdout_colour: bool,
    stderr_colour: bool,
    stderr_terminal: bool,
}

/// An ANSI colour for a few words.
#[derive(Debug, Clone, Copy)]
pub enum Colour {
    Red,
    Green,
    Yellow,
}

impl Output {
    /// Colour only on a terminal, and never with `NO_COLOR` set (no-color.org).
    pub fn new(format: Format) -> Self {
        let colour_allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let stderr_terminal = std::io::stderr().is_terminal();
        Self {
            format,
            stdout_colour: colour_allowed && std::io::stdout().is_terminal(),
            stderr_colour: colour_allowed && stderr_terminal,
            stderr_terminal,
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    fn paint(enabled: bool, colour: Colour, text: &str) -> String {
        if !enabled {
            return text.to_owned();
        }
        let code = match colour {
            Colour::Red => "31",
            Colour::Green => "32",
            Colour::Yellow => "33",
        };
        format!("\x1b[1;{code}m{text}\x1b[0m")
    }

    /// `text` coloured for standard output.
    pub fn out_colour(&self, colour: Colour, text: &str) -> String {
        Self::paint(self.stdout_colour, colour, text)
    }

    /// `text` coloured for standard error.
    pub fn err_colour(&self, colour: Colour, text: &str) -> String {
        Self::paint(self.stderr_colour, colour, text)
    }

    /// A progress note on standard error, only when a person is watching it.
    pub fn progress(&self, text: &str) {
        if self.stderr_terminal {
            eprintln!("{text}");
        }
    }

    /// An error line: `error: …` on standard error.
    pub fn error(&self, text: &str) {
        eprintln!("{} {text}", self.err_colour(Colour::Red, "error:"));
    }

    /// Prints one JSON document on standard output.
    pub fn print_json(&self, value: &Value) {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe is the reader's choice; nothing useful to report.
        let _ = serde_json::to_writer_pretty(&mut stdout, value);
        let _ = writeln!(stdout);
    }
}
