//! The mock server as a child process of the bench: started on a free loopback port,
//! stopped when dropped.

use std::error::Error;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};

/// What the mock prints once it accepts connections.
const LISTENING_PREFIX: &str = "listening on ";

pub struct MockServer {
    child: Child,
    // Held open so that a later line on the mock's stdout does not meet a closed pipe.
    _stdout: BufReader<ChildStdout>,
    base_url: String,
}

impl MockServer {
    /// Starts the binary named by `WORKSPACE_ORDERS_MOCK_BIN`, or the
    /// `workspace-orders-mock` built into the same target directory as this bench,
    /// with `args` (the credentials it accepts) after `--port 0`.
    pub fn start(args: &[&str]) -> Result<Self, Box<dyn Error>> {
        let binary = mock_binary()?;
        let mut child = Command::new(&binary)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("starting {}: {error}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err("the mock's stdout was not captured".into());
        };
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        let read = stdout.read_line(&mut line);
        let base_url = match read {
            Ok(_) if line.trim().starts_with(LISTENING_PREFIX) => line.trim()
                [LISTENING_PREFIX.len()..]
                .trim_end_matches('/')
                .to_owned(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not print `{LISTENING_PREFIX}URL` first (got {line:?})",
                    binary.display()
                )
                .into());
            }
        };
        Ok(Self {
            child,
            _stdout: stdout,
            base_url,
        })
    }

    /// The mock's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mock_binary() -> Result<PathBuf, Box<dyn Error>> {
    if let Some(path) = std::env::var_os("WORKSPACE_ORDERS_MOCK_BIN") {
        return Ok(PathBuf::from(path));
    }
    // This bench runs from <target>/<profile>/deps/; cargo puts binaries one level up.
    let exe = std::env::current_exe()?;
    let candidate = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("workspace-orders-mock"));
    match candidate {
        Some(path) if path.is_file() => Ok(path),
        _ => Err(
            "no mock server binary: run `cargo build --release -p workspace-orders-mock` \
                  or set WORKSPACE_ORDERS_MOCK_BIN"
                .into(),
        ),
    }
}
