//! `cargo xtask docs`: the rendered HTML API reference.
//!
//! Redocly CLI's `build-docs --inlineBundle` renders the spec into one HTML
//! file with Redoc's scripts embedded, so it opens offline from disk. Example
//! payloads are shown fully expanded: the order bodies nest three levels deep
//! and are unreadable collapsed. The file is a build product (about 2.5 MB,
//! mostly Redoc) written under `target/`, not checked in;
//! `.ci/steps/api-reference.sh` renders it in headless Chromium, with the
//! network unreachable, and checks what the browser shows.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

/// Command-line arguments of `cargo xtask docs`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Redocly CLI executable (`.ci/steps/api-reference.sh` passes the pinned one).
    #[arg(long, default_value = "redocly")]
    redocly: PathBuf,
    /// Spec to render [default: openapi/workspace-orders.yaml].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// HTML file to write [default: target/api-reference/workspace-orders.html].
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Builds the HTML API reference.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = crate::repo_root();
    let spec = args
        .spec
        .clone()
        .unwrap_or_else(|| root.join("openapi/workspace-orders.yaml"));
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| root.join("target/api-reference/workspace-orders.html"));
    build(&args.redocly, &spec, &output)?;
    println!("API reference written to {}", output.display());
    Ok(ExitCode::SUCCESS)
}

/// Renders `spec` into `output`. Redocly writes a temporary file beside it,
/// which replaces `output` only once Redocly succeeded, so a failed run leaves
/// the previous reference as it was.
fn build(redocly: &Path, spec: &Path, output: &Path) -> anyhow::Result<()> {
    if !spec.is_file() {
        bail!("spec {} does not exist", spec.display());
    }
    let file_name = output
        .file_name()
        .with_context(|| format!("output {} names no file", output.display()))?;
    let dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut partial_name = file_name.to_os_string();
    partial_name.push(".partial.html");
    let partial = dir.join(partial_name);

    // The rules between fields go into the descriptions of a copy (crate::rules::describe).
    let mut described_name = file_name.to_os_string();
    described_name.push(".spec.json");
    let described = dir.join(described_name);
    let result = described_spec(spec, &described)
        .and_then(|()| render(redocly, &described, &partial))
        .and_then(|()| {
            let written = std::fs::metadata(&partial)
                .with_context(|| format!("Redocly wrote no {}", partial.display()))?;
            if written.len() == 0 {
                bail!("Redocly wrote an empty {}", partial.display());
            }
            Ok(())
        })
        .and_then(|()| {
            std::fs::rename(&partial, output)
                .with_context(|| format!("cannot move the reference to {}", output.display()))
        });
    let _ = std::fs::remove_file(&described);
    if result.is_err() {
        // Nothing half-written stays behind; the error says what went wrong.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// `spec` with its `x-rules` written into the descriptions, as JSON at `out`.
fn described_spec(spec: &Path, out: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    let mut document: serde_json::Value = serde_yaml_ng::from_str(&text)
        .with_context(|| format!("{}: not YAML or JSON", spec.display()))?;
    crate::rules::describe(&mut document).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|(at, message)| format!("  {}: {at}: {message}", spec.display()))
            .collect();
        anyhow::anyhow!("x-rules cannot be rendered:\n{}", lines.join("\n"))
    })?;
    std::fs::write(out, serde_json::to_string_pretty(&document)?)
        .with_context(|| format!("cannot write {}", out.display()))
}

fn render(redocly: &Path, spec: &Path, output: &Path) -> anyhow::Result<()> {
    let out = Command::new(redocly)
        .arg("build-docs")
        .arg(spec)
        .arg("--inlineBundle")
        .arg("--openapi.jsonSamplesExpandLevel=all")
        .arg("--output")
        .arg(output)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("CI", "true")
        .output()
        .with_context(|| {
            format!(
                "cannot run Redocly CLI `{}`: install it (bash .ci/steps/api-reference.sh \
                 installs the pinned one) or pass --redocly PATH",
                redocly.display()
            )
        })?;
    if !out.status.success() {
        bail!(
            "`{} build-docs {}` failed ({}):\n{}",
            redocly.display(),
            spec.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_in(dir: &Path) -> PathBuf {
        let spec = dir.join("spec.yaml");
        std::fs::write(&spec, "openapi: 3.0.3\n").unwrap();
        spec
    }

    #[test]
    fn a_missing_redocly_is_a_clear_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out/reference.html");
        let error = build(
            Path::new("/nonexistent/redocly"),
            &spec_in(dir.path()),
            &output,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("cannot run Redocly CLI"), "{error}");
        assert!(!output.exists());
    }

    #[test]
    fn a_missing_spec_is_reported_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("missing.yaml");
        let error = build(Path::new("redocly"), &spec, &dir.path().join("r.html"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("missing.yaml"), "{error}");
    }

    /// A stand-in Redocly: a shell script that runs `body` with the output path in `$out`.
    #[cfg(unix)]
    fn fake_redocly(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("fake-redocly");
        let script = format!(
            "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = --output ] && out=$2; shift; done\n{body}\n"
        );
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_render_keeps_the_previous_reference_and_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("reference.html");
        std::fs::write(&output, "previous").unwrap();
        let redocly = fake_redocly(
            dir.path(),
            "echo half > \"$out\"; echo 'Failed to parse the spec' >&2; exit 1",
        );
        let error = build(&redocly, &spec_in(dir.path()), &output)
            .unwrap_err()
            .to_string();
        assert!(error.contains("Failed to parse the spec"), "{error}");
        assert_eq!(std::fs::read_to_string(&output).unwrap(), "previous");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.contains("partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn an_empty_render_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("reference.html");
        let redocly = fake_redocly(dir.path(), ": > \"$out\"");
        let error = build(&redocly, &spec_in(dir.path()), &output)
            .unwrap_err()
            .to_string();
        assert!(error.contains("empty"), "{error}");
        assert!(!output.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_successful_render_replaces_the_reference() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("sub/reference.html");
        let redocly = fake_redocly(dir.path(), "echo '<html>new</html>' > \"$out\"");
        build(&redocly, &spec_in(dir.path()), &output).unwrap();
        assert_eq!(
            std::fs::read_to_string(&output).unwrap(),
            "<html>new</html>\n"
        );
    }
}
